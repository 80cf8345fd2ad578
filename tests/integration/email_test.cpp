// E-mail reports against a real SMTP server on 127.0.0.1 (aiosmtpd, tests/tools/fake_smtp_server.py) with
// STARTTLS and AUTH on a self-signed certificate made here: delivery, the attachment byte for byte, a server
// down then up (delivered exactly once), refused TLS or login (kept in the outbox), header injection from data.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/report/mail_builder.hpp"
#include "recon/report/outbox_sender.hpp"
#include "recon/store/store.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace recon::report {
namespace {

using std::chrono::hours;

class EmailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + dir_.File("key.pem") +
                                "' -out '" + dir_.File("cert.pem") +
                                "' -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::filesystem::create_directories(dir_.File("inbox"));
    store_ = store::OpenStore("sqlite:" + dir_.File("recon.db"));
    params_.smtp_host = "127.0.0.1";
    params_.username = "recon-bot";
    params_.password_env = "RECON_TEST_SMTP_PASSWORD";
    params_.ca_file = dir_.File("cert.pem");
    params_.from = "recon@bank.example";
    params_.to = {"ops@bank.example"};
    params_.cc = {"audit@bank.example"};
    params_.backoff_initial_ms = 1000;
    ::setenv("RECON_TEST_SMTP_PASSWORD", "s3cret-pw", 1);
  }

  // Starts the SMTP server; `port` 0 = any. `tls` offers (and requires) STARTTLS.
  void StartServer(int port = 0, bool tls = true, const std::string& password = "s3cret-pw") {
    std::vector<std::string> argv = {RECON_PYTHON, std::string(RECON_SOURCE_DIR) + "/tests/tools/fake_smtp_server.py",
                                     "--out", dir_.File("inbox"), "--port", std::to_string(port),
                                     "--user", "recon-bot", "--password", password};
    if (tls) argv.insert(argv.end(), {"--cert", dir_.File("cert.pem"), "--key", dir_.File("key.pem")});
    server_.emplace(argv);
    params_.smtp_port = server_->Port();
  }

  ReportContent Content(const std::string& identity) {
    ReportContent content;
    content.source = "trades.csv";
    content.rows = 1000;
    content.flagged = 2;
    content.by_category = {{"Timing Issue", 1}, {"Price Mismatch", 1}};
    content.by_status = {{"Auto-Resolved", 1}, {"Pending User Review", 1}};
    content.by_severity = {{"critical", 1}, {"low", 1}};
    content.top = {{"T1", "Rates London", "Price Mismatch", "critical", "Pending User Review", 0.91, -125000.5,
                    "broker used a stale price", "Price differs; confirm with the broker."}};
    content.attachment_path = dir_.Write("anomalies.csv", csv_);
    content.identity = identity;
    return content;
  }

  std::size_t Delivered() const {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.File("inbox"))) {
      count += entry.path().extension() == ".eml";
    }
    return count;
  }
  nlohmann::json Summary(int index) const {
    return nlohmann::json::parse(testing::ReadFile(dir_.File("inbox/msg-" + std::to_string(index) + ".json")));
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  EmailParams params_;
  Logger logger_ = Logger::Null();
  std::optional<testing::ChildProcess> server_;
  // Quotes, a comma in a field, CRLF and UTF-8: the attachment must arrive exactly as written.
  std::string csv_ = "TRADE_ID,COMMENT\r\nT1,\"said \"\"hi\"\", then left\"\r\nT2,d\xC3\xA9j\xC3\xA0 vu\r\n";
};

TEST_F(EmailTest, AReportArrivesOverStartTlsWithItsAttachmentByteForByte) {
  StartServer();
  const auto mail = BuildReportMail(Content("run-1"), params_);
  const std::int64_t id = store_->EnqueueMail(mail);
  const DrainResult result = DrainOutbox(*store_, params_, logger_);
  EXPECT_EQ(result.sent, 1u) << result.last_error;
  ASSERT_EQ(Delivered(), 1u);
  const auto summary = Summary(0);
  EXPECT_EQ(summary["message_id"], mail.message_id);
  EXPECT_EQ(summary["rcpt_tos"], (nlohmann::json{"ops@bank.example", "audit@bank.example"}));
  EXPECT_NE(summary["subject"].get<std::string>().find("2 anomalies (1 critical) in trades.csv"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(dir_.File("inbox/msg-0.att-anomalies.csv")), csv_);
  const std::string eml = testing::ReadFile(dir_.File("inbox/msg-0.eml"));
  EXPECT_NE(eml.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(eml.find("text/html"), std::string::npos);
  const auto sent = store_->ListMail("sent");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, id);
  EXPECT_EQ(sent[0].attempts, 1);
  EXPECT_EQ(DrainOutbox(*store_, params_, logger_).sent, 0u) << "a sent mail is never sent again";
  EXPECT_EQ(Delivered(), 1u);
}

TEST_F(EmailTest, AServerDownAtFirstGetsTheMailExactlyOnceWhenItComesUp) {
  StartServer();
  const int port = server_->Port();
  server_.reset();  // down
  params_.smtp_port = port;
  store_->EnqueueMail(BuildReportMail(Content("run-2"), params_));
  const auto now = std::chrono::system_clock::now();
  DrainResult result = DrainOutbox(*store_, params_, logger_, now);
  EXPECT_EQ(result.retrying, 1u);
  EXPECT_FALSE(result.last_error.empty());
  auto pending = store_->ListMail("pending");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, 1);
  EXPECT_GT(pending[0].next_attempt_at, UtcIso8601(now)) << "backed off";
  EXPECT_EQ(DrainOutbox(*store_, params_, logger_, now).sent + DrainOutbox(*store_, params_, logger_, now).retrying,
            0u) << "not due again before its backoff";

  // A restart: a new store connection finds the mail still pending.
  store_ = store::OpenStore("sqlite:" + dir_.File("recon.db"));
  StartServer(port);
  result = DrainOutbox(*store_, params_, logger_, now + hours(1));
  EXPECT_EQ(result.sent, 1u) << result.last_error;
  EXPECT_EQ(DrainOutbox(*store_, params_, logger_, now + hours(2)).sent, 0u);
  EXPECT_EQ(Delivered(), 1u);
  const auto attempts = store_->MailAttempts(store_->ListMail("sent")[0].id);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_FALSE(attempts[0].error.empty());
  EXPECT_TRUE(attempts[1].error.empty());
}

TEST_F(EmailTest, RefusedTlsOrLoginKeepsTheMailWithAClearErrorAndNoPassword) {
  StartServer(0, /*tls=*/false);
  store_->EnqueueMail(BuildReportMail(Content("run-3"), params_));
  DrainResult result = DrainOutbox(*store_, params_, logger_);
  EXPECT_EQ(result.sent, 0u);
  EXPECT_NE(result.last_error.find("STARTTLS not supported"), std::string::npos) << result.last_error;  // required
  EXPECT_EQ(Delivered(), 0u);

  server_.reset();
  StartServer(0, /*tls=*/true, /*password=*/"another-password");
  result = DrainOutbox(*store_, params_, logger_, std::chrono::system_clock::now() + hours(1));
  EXPECT_EQ(result.sent, 0u);
  EXPECT_NE(result.last_error.find("Login denied"), std::string::npos) << result.last_error;
  const auto pending = store_->ListMail("pending");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, 2);
  for (const auto& attempt : store_->MailAttempts(pending[0].id)) {
    EXPECT_EQ(attempt.error.find("s3cret-pw"), std::string::npos);
  }
}

TEST_F(EmailTest, AHostileCommentCannotInjectAHeader) {
  StartServer();
  ReportContent content = Content("run-4");
  content.top[0].comment = "late\r\nBcc: victim@evil.example\r\nX-Injected: yes\nSubject: free money";
  const auto mail = BuildReportMail(content, params_);
  EXPECT_EQ(mail.subject.find('\r'), std::string::npos);
  EXPECT_EQ(mail.subject.find('\n'), std::string::npos);
  store_->EnqueueMail(mail);
  ASSERT_EQ(DrainOutbox(*store_, params_, logger_).sent, 1u);
  const auto summary = Summary(0);
  EXPECT_EQ(summary["rcpt_tos"], (nlohmann::json{"ops@bank.example", "audit@bank.example"}));
  for (const auto& header : summary["headers"]) {
    EXPECT_NE(header, "Bcc");
    EXPECT_NE(header, "X-Injected");
  }
  EXPECT_NE(summary["subject"].get<std::string>().find("late Bcc: victim@evil.example"), std::string::npos);
}

TEST_F(EmailTest, AfterMaxAttemptsAMailIsFailedAndRetryQueuesItAgain) {
  params_.smtp_port = 1;  // nothing listens
  params_.max_attempts = 2;
  store_->EnqueueMail(BuildReportMail(Content("run-5"), params_));
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(DrainOutbox(*store_, params_, logger_, now).retrying, 1u);
  EXPECT_EQ(DrainOutbox(*store_, params_, logger_, now + hours(1)).gave_up, 1u);
  EXPECT_EQ(store_->ListMail("failed").size(), 1u);
  EXPECT_EQ(DrainOutbox(*store_, params_, logger_, now + hours(2)).retrying, 0u) << "failed mails wait for retry";
  EXPECT_EQ(store_->RetryFailedMail(UtcIso8601(now + hours(2))), 1u);
  EXPECT_EQ(store_->ListMail("pending").size(), 1u);
  EXPECT_EQ(store_->PurgeMail(/*include_failed=*/false), 0u);
}

TEST_F(EmailTest, WithoutSmtpReportsStayInTheOutbox) {
  params_.smtp_host.clear();
  store_->EnqueueMail(BuildReportMail(Content("run-6"), params_));
  const DrainResult result = DrainOutbox(*store_, params_, logger_);
  EXPECT_EQ(result.sent + result.retrying + result.gave_up, 0u);
  EXPECT_EQ(store_->ListMail("pending").size(), 1u);
  // The same report queued twice (a retried run) is one mail: the Message-ID derives from the run.
  store_->EnqueueMail(BuildReportMail(Content("run-6"), params_));
  EXPECT_EQ(store_->ListMail("").size(), 1u);
}

TEST_F(EmailTest, ALargeCsvIsNotAttachedButNamed) {
  params_.max_attachment_bytes = 16;  // the CSV above is larger
  const auto mail = BuildReportMail(Content("run-7"), params_);
  EXPECT_TRUE(mail.attachment_path.empty());
  EXPECT_NE(mail.text.find("is not attached; it is at " + dir_.File("anomalies.csv")), std::string::npos) << mail.text;
  params_.max_attachment_bytes = 1 << 20;
  EXPECT_EQ(BuildReportMail(Content("run-7"), params_).attachment_path, dir_.File("anomalies.csv"));
}

TEST(MailSafetyTest, HeaderTextAndAddresses) {
  EXPECT_EQ(SafeHeaderText("a\r\nBcc: x@y\tz"), "a Bcc: x@y z");
  EXPECT_EQ(SafeHeaderText("d\xC3\xA9j\xC3\xA0"), "=?UTF-8?B?ZMOpasOg?=");
  EXPECT_EQ(SafeHeaderText(std::string(300, 'x'), 10), "xxxxxxxxxx...");
  EXPECT_TRUE(IsValidAddress("ops@bank.example"));
  EXPECT_TRUE(IsValidAddress("recon@localhost"));
  for (const char* bad : {"ops@bank.example\r\nBcc: x@y", "<ops@bank.example>", "ops bank@example", "ops", "@x",
                          "a@b@c", "a@b,c@d"}) {
    EXPECT_FALSE(IsValidAddress(bad)) << bad;
  }
  EmailParams params;
  params.to = {"bad address@x"};
  EXPECT_THROW(params.Validate(), Error);
}

}  // namespace
}  // namespace recon::report
