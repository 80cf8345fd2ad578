// The store contract: what every backend must do, run against each one in Backends() below. A new backend (e.g.
// PostgreSQL) adds one entry there, a factory of fresh store URLs, and passes this file unchanged. Behaviour
// peculiar to one backend (SQLite's schema upgrades, its file locks) is tested beside it (sqlite_store_test.cpp).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "recon/core/logger.hpp"
#include "recon/store/run_owner.hpp"
#include "recon/store/store.hpp"
#include "support/dead_pid.hpp"
#include "support/temp_dir.hpp"

namespace recon::store {
namespace {

/// A backend under test.
struct Backend {
  std::string name;
  /// The URL of a new, empty store for one test (inside `dir` where the backend keeps files). An empty URL skips
  /// the backend (e.g. no server configured in this environment). Other connections open the same URL again.
  std::function<std::string(const testing::TempDir& dir)> fresh_url;
};

std::vector<Backend> Backends() {
  return {
      {"sqlite", [](const testing::TempDir& dir) { return "sqlite:" + dir.File("var/recon.db"); }},
      // {"postgresql", ...}: a fresh database or schema per test, from e.g. RECON_TEST_POSTGRES_URL; "" when unset.
  };
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    url_ = GetParam().fresh_url(dir_);
    if (url_.empty()) GTEST_SKIP() << GetParam().name << " is not available here";
    store_ = OpenStore(url_);
  }
  /// Another connection to the same store (another process or a restart, as far as the contract goes).
  std::unique_ptr<Store> Connect() const { return OpenStore(url_); }

  testing::TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

AnomalyRecord Anomaly(const std::string& key, std::int64_t run_id) {
  AnomalyRecord record;
  record.natural_key = key;
  record.run_id = run_id;
  record.source = "f.csv";
  record.line = 2;
  record.trade_id = "T1";
  record.trade_date = "2025-01-02";
  record.desk = "Rates";
  record.score = 0.75;
  record.cluster = 3;
  record.category = "Timing Issue";
  record.category_source = "local";
  record.confidence = 0.875;
  record.severity = "low";
  record.summary = "s";
  record.status = "Pending User Review";
  record.explanation = "e";
  record.row_json = "{}";
  return record;
}

std::vector<AnomalyRecord> Anomalies(const std::string& prefix, std::int64_t run_id, int count) {
  std::vector<AnomalyRecord> records;
  for (int idx = 0; idx < count; ++idx) records.push_back(Anomaly(prefix + std::to_string(idx), run_id));
  return records;
}

using testing::DeadPid;

// --- anomalies, audit -----------------------------------------------------------------------------------------------

TEST_P(StoreContract, AnInsertIsIdempotentOnTheNaturalKeyAndKeepsEveryField) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  AnomalyRecord full = Anomaly("k1", run);
  full.ticket_id = "RECON-000009";
  full.resolution_reason = "timing: settles within 2 days";
  full.row_json = R"({"TRADE_ID":"T1","COMMENT":"é \" ,"})";
  const std::vector<AnomalyRecord> batch = {full, Anomaly("k2", run)};
  EXPECT_EQ(store_->InsertAnomalies(batch), 2u);
  EXPECT_EQ(store_->InsertAnomalies(batch), 0u);
  std::vector<AnomalyRecord> changed = {Anomaly("k1", run), Anomaly("k3", run)};
  changed[0].status = "Resolved";
  EXPECT_EQ(store_->InsertAnomalies(changed), 1u) << "a stored key keeps its first verdict";
  EXPECT_EQ(store_->InsertAnomalies({}), 0u);
  EXPECT_EQ(store_->CountAnomalies(), 3u);

  const auto id = store_->FindAnomalyId("k1");
  ASSERT_TRUE(id);
  const auto stored = store_->GetAnomaly(*id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, *id);
  const AnomalyRecord& back = stored->record;
  EXPECT_EQ(back.natural_key, "k1");
  EXPECT_EQ(back.run_id, run);
  EXPECT_EQ(back.source, "f.csv");
  EXPECT_EQ(back.line, 2u);
  EXPECT_EQ(back.trade_id, "T1");
  EXPECT_EQ(back.trade_date, "2025-01-02");
  EXPECT_EQ(back.desk, "Rates");
  EXPECT_DOUBLE_EQ(back.score, 0.75);
  EXPECT_EQ(back.cluster, 3);
  EXPECT_EQ(back.category, "Timing Issue");
  EXPECT_EQ(back.category_source, "local");
  EXPECT_DOUBLE_EQ(back.confidence, 0.875);
  EXPECT_EQ(back.severity, "low");
  EXPECT_EQ(back.summary, "s");
  EXPECT_EQ(back.status, "Pending User Review");
  EXPECT_EQ(back.ticket_id, "RECON-000009");
  EXPECT_EQ(back.resolution_reason, "timing: settles within 2 days");
  EXPECT_EQ(back.explanation, "e");
  EXPECT_EQ(back.row_json, full.row_json);
  EXPECT_FALSE(stored->created_at.empty());
  EXPECT_EQ(stored->created_at, stored->updated_at);
  EXPECT_EQ(store_->GetAnomaly(*store_->FindAnomalyId("k2"))->record.ticket_id, "") << "no ticket: empty";
  EXPECT_FALSE(store_->GetAnomaly(9999));
  EXPECT_FALSE(store_->FindAnomalyId("nope"));
}

TEST_P(StoreContract, UnstoredAnomaliesNamesTheNewKeysInOrder) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  store_->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k2", run), Anomaly("k4", run)});
  const std::vector<AnomalyRecord> offered = {Anomaly("k1", run), Anomaly("k2", run), Anomaly("k3", run),
                                              Anomaly("k4", run)};
  EXPECT_EQ(store_->UnstoredAnomalies(offered), (std::vector<std::size_t>{0, 2}));
  EXPECT_TRUE(store_->UnstoredAnomalies({}).empty());
  EXPECT_EQ(Connect()->UnstoredAnomalies(offered), (std::vector<std::size_t>{0, 2})) << "another connection";
}

TEST_P(StoreContract, EachNewAnomalyStartsItsAuditTrail) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  AnomalyRecord resolved = Anomaly("k1", run);
  resolved.status = "Resolved";
  resolved.resolution_reason = "timing evidence";
  store_->InsertAnomalies(std::vector<AnomalyRecord>{resolved, Anomaly("k2", run)});
  const auto first = store_->AuditTrail(*store_->FindAnomalyId("k1"), 10);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].actor, "recon");
  EXPECT_EQ(first[0].old_status, "");
  EXPECT_EQ(first[0].new_status, "Resolved");
  EXPECT_EQ(first[0].note, "detected; timing evidence");
  EXPECT_FALSE(first[0].at.empty());
  const auto second = store_->AuditTrail(*store_->FindAnomalyId("k2"), 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].note, "detected");
  store_->InsertAnomalies(std::vector<AnomalyRecord>{resolved});
  EXPECT_EQ(store_->AuditTrail(*store_->FindAnomalyId("k1"), 10).size(), 1u) << "a repeated insert adds no row";
  EXPECT_TRUE(store_->AuditTrail(9999, 10).empty());
}

TEST_P(StoreContract, TheAuditTrailKeepsTheNewestEntriesOldestFirst) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  store_->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run)});
  const std::int64_t id = *store_->FindAnomalyId("k1");
  store_->RecordFeedback(id, "Investigating", "a.b", "one");
  store_->RecordFeedback(id, "Resolved", "c.d", "two");
  store_->RecordFeedback(id, "Pending User Review", "e.f", "three");
  const auto all = store_->AuditTrail(id, 100);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].note, "detected");
  EXPECT_EQ(all[3].note, "three");
  const auto newest = store_->AuditTrail(id, 2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].note, "two");
  EXPECT_EQ(newest[0].actor, "c.d");
  EXPECT_EQ(newest[0].old_status, "Investigating");
  EXPECT_EQ(newest[0].new_status, "Resolved");
  EXPECT_EQ(newest[1].note, "three");
}

TEST_P(StoreContract, AnomaliesAreFoundByKeyAndByTradeId) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  std::vector<AnomalyRecord> records = Anomalies("k", run, 3);
  records[1].trade_id = "T2";
  records[2].trade_id = "T2";
  records[2].ticket_id = "RECON-000001";
  records[2].resolution_reason = "why";
  store_->InsertAnomalies(records);
  EXPECT_EQ(store_->FindAnomalyIdsByTrade("T1", 2), (std::vector<std::int64_t>{*store_->FindAnomalyId("k0")}));
  EXPECT_EQ(store_->FindAnomalyIdsByTrade("T2", 2),
            (std::vector<std::int64_t>{*store_->FindAnomalyId("k1"), *store_->FindAnomalyId("k2")}));
  EXPECT_EQ(store_->FindAnomalyIdsByTrade("T2", 1).size(), 1u);
  EXPECT_TRUE(store_->FindAnomalyIdsByTrade("T9", 2).empty());

  const auto verdict = store_->FindAnomalyVerdict("k2");
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->id, *store_->FindAnomalyId("k2"));
  EXPECT_EQ(verdict->record.natural_key, "k2");
  EXPECT_EQ(verdict->record.category, "Timing Issue");
  EXPECT_EQ(verdict->record.category_source, "local");
  EXPECT_DOUBLE_EQ(verdict->record.confidence, 0.875);
  EXPECT_EQ(verdict->record.severity, "low");
  EXPECT_EQ(verdict->record.summary, "s");
  EXPECT_EQ(verdict->record.status, "Pending User Review");
  EXPECT_EQ(verdict->record.ticket_id, "RECON-000001");
  EXPECT_EQ(verdict->record.resolution_reason, "why");
  EXPECT_FALSE(store_->FindAnomalyVerdict("nope"));
}

// --- listing: filters and paging ------------------------------------------------------------------------------------

TEST_P(StoreContract, ListingFiltersNewestFirstAndPages) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  std::vector<AnomalyRecord> records = Anomalies("k", run, 10);
  for (int idx = 0; idx < 10; ++idx) {
    AnomalyRecord& record = records[static_cast<std::size_t>(idx)];
    record.status = idx % 2 == 0 ? "Resolved" : "Pending User Review";
    record.category = idx < 5 ? "Timing Issue" : "Price Mismatch";
    record.desk = idx % 3 == 0 ? "FX" : "Rates";
    record.trade_date = "2025-01-" + std::string(idx < 9 ? "0" : "") + std::to_string(idx + 1);
  }
  store_->InsertAnomalies(records);
  auto keys = [](const std::vector<StoredAnomaly>& page) {
    std::vector<std::string> out;
    for (const StoredAnomaly& anomaly : page) out.push_back(anomaly.record.natural_key);
    return out;
  };

  auto [everything, total] = store_->ListAnomalies({.limit = 100});
  EXPECT_EQ(total, 10u);
  ASSERT_EQ(everything.size(), 10u);
  EXPECT_EQ(everything.front().record.natural_key, "k9") << "newest first";
  for (std::size_t idx = 1; idx < everything.size(); ++idx) EXPECT_GT(everything[idx - 1].id, everything[idx].id);

  auto [resolved, resolved_total] = store_->ListAnomalies({.status = "Resolved", .limit = 100});
  EXPECT_EQ(resolved_total, 5u);
  EXPECT_EQ(keys(resolved), (std::vector<std::string>{"k8", "k6", "k4", "k2", "k0"}));
  auto [price, price_total] = store_->ListAnomalies({.category = "Price Mismatch", .desk = "FX", .limit = 100});
  EXPECT_EQ(keys(price), (std::vector<std::string>{"k9", "k6"}));
  EXPECT_EQ(price_total, 2u);
  auto [dated, dated_total] =
      store_->ListAnomalies({.trade_date_from = "2025-01-03", .trade_date_to = "2025-01-05", .limit = 100});
  EXPECT_EQ(keys(dated), (std::vector<std::string>{"k4", "k3", "k2"})) << "inclusive on both ends";
  auto [none, none_total] = store_->ListAnomalies({.status = "No Such Status"});
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none_total, 0u);

  auto [page, page_total] = store_->ListAnomalies({.limit = 3, .offset = 3});
  EXPECT_EQ(keys(page), (std::vector<std::string>{"k6", "k5", "k4"}));
  EXPECT_EQ(page_total, 10u) << "the total counts every match, not the page";
  auto [after, after_total] = store_->ListAnomalies({.limit = 2, .before_id = page.back().id});
  EXPECT_EQ(keys(after), (std::vector<std::string>{"k3", "k2"}));
  EXPECT_EQ(after_total, 4u) << "before_id is a filter: the total counts what lies below it";
  auto [beyond, beyond_total] = store_->ListAnomalies({.limit = 5, .offset = 50});
  EXPECT_TRUE(beyond.empty());
  EXPECT_EQ(beyond_total, 10u);
}

// --- tickets --------------------------------------------------------------------------------------------------------

TEST_P(StoreContract, TicketsComeFromOneSequenceAndAreIssuedOncePerKey) {
  const auto first = store_->IssueTickets(std::vector<std::string>{"a", "b", "c"}, "RECON-");
  EXPECT_EQ(first, (std::vector<std::string>{"RECON-000001", "RECON-000002", "RECON-000003"}));
  EXPECT_EQ(store_->IssueTickets(std::vector<std::string>{"b"}, "RECON-"), (std::vector<std::string>{"RECON-000002"}));
  EXPECT_EQ(store_->IssueTickets(std::vector<std::string>{"b", "d", "d"}, "OPS-"),
            (std::vector<std::string>{"RECON-000002", "OPS-000004", "OPS-000004"}))
      << "a key keeps its ticket; a key asked twice in one call gets one";
  EXPECT_TRUE(store_->IssueTickets({}, "RECON-").empty());
  EXPECT_EQ(store_->CountTickets(), 4u);
}

TEST_P(StoreContract, TicketsSurviveARestartAndNeverRepeatAcrossConnections) {
  store_->IssueTickets(std::vector<std::string>{"a", "b"}, "RECON-");
  store_.reset();
  auto reopened = Connect();
  EXPECT_EQ(reopened->IssueTickets(std::vector<std::string>{"a", "c"}, "RECON-"),
            (std::vector<std::string>{"RECON-000001", "RECON-000003"}));
  auto other = Connect();
  std::set<std::string> issued;
  for (int idx = 0; idx < 5; ++idx) {
    for (Store* connection : {reopened.get(), other.get()}) {
      const std::string key = "k" + std::to_string(idx) + (connection == other.get() ? "o" : "r");
      issued.insert(connection->IssueTickets(std::vector<std::string>{key}, "RECON-").at(0));
    }
  }
  EXPECT_EQ(issued.size(), 10u) << "two connections never issue the same number";
  EXPECT_EQ(other->CountTickets(), 13u);
}

// --- reviewer feedback and corrections ------------------------------------------------------------------------------

TEST_P(StoreContract, FeedbackSetsTheStatusWithItsAuditRow) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  store_->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run)});
  const std::int64_t id = *store_->FindAnomalyId("k1");
  const auto updated = store_->RecordFeedback(id, "Resolved", "j.doe", "checked with the broker");
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->id, id);
  EXPECT_EQ(updated->record.status, "Resolved");
  EXPECT_EQ(updated->record.category, "Timing Issue") << "feedback changes the status only";
  EXPECT_EQ(store_->GetAnomaly(id)->record.status, "Resolved");
  const auto trail = store_->AuditTrail(id, 10);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].actor, "j.doe");
  EXPECT_EQ(trail[1].old_status, "Pending User Review");
  EXPECT_EQ(trail[1].new_status, "Resolved");
  EXPECT_EQ(trail[1].note, "checked with the broker");
  EXPECT_FALSE(store_->RecordFeedback(9999, "Resolved", "j.doe", ""));
  EXPECT_EQ(Connect()->FindAnomalyVerdict("k1")->record.status, "Resolved") << "committed";
}

CategoryCorrection Correction(std::int64_t id, const std::string& category, const std::string& note = "") {
  return {id, "zorp kickback on vexo leg", category, "j.doe", note};
}

TEST_P(StoreContract, ACategoryCorrectionIsKeptWithTheAnomalyAndItsAuditRow) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  store_->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run), Anomaly("k2", run)});
  const std::int64_t id = *store_->FindAnomalyId("k1");
  EXPECT_TRUE(store_->CategoryCorrections().empty());

  EXPECT_EQ(store_->RecordCategoryCorrection(Correction(id, "Fee/Commission Difference", "broker fee")),
            CorrectionResult::kApplied);
  const StoredAnomaly corrected = *store_->GetAnomaly(id);
  EXPECT_EQ(corrected.record.category, "Fee/Commission Difference");
  EXPECT_EQ(corrected.record.category_source, "reviewer");
  EXPECT_EQ(corrected.record.status, "Pending User Review") << "a correction leaves the status alone";
  const auto trail = store_->AuditTrail(id, 10);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].actor, "j.doe");
  EXPECT_EQ(trail[1].old_status, "Pending User Review");
  EXPECT_EQ(trail[1].new_status, "Pending User Review");
  EXPECT_EQ(trail[1].note, "category Timing Issue -> Fee/Commission Difference; broker fee");
  EXPECT_EQ(store_->CategoryCorrections(),
            (std::vector<LearnedCategory>{{"zorp kickback on vexo leg", "Fee/Commission Difference"}}));
  EXPECT_EQ(store_->FindAnomalyVerdict("k1")->record.category, "Fee/Commission Difference");

  // To the category it has: a no-op that writes nothing (no correction, no audit row, no new updated_at).
  EXPECT_EQ(store_->RecordCategoryCorrection(Correction(id, "Fee/Commission Difference")),
            CorrectionResult::kUnchanged);
  EXPECT_EQ(store_->AuditTrail(id, 10).size(), 2u);
  EXPECT_EQ(store_->CategoryCorrections().size(), 1u);
  EXPECT_EQ(store_->GetAnomaly(id)->updated_at, corrected.updated_at);
  EXPECT_EQ(store_->RecordCategoryCorrection(Correction(999, "Unknown")), CorrectionResult::kNotFound);

  // Corrected again: the categoriser learns the latest, one per anomaly, in the order they were corrected.
  EXPECT_EQ(store_->RecordCategoryCorrection(Correction(id, "FX Rate Difference")), CorrectionResult::kApplied);
  EXPECT_EQ(store_->AuditTrail(id, 10).back().note, "category Fee/Commission Difference -> FX Rate Difference");
  const std::int64_t other = *store_->FindAnomalyId("k2");
  EXPECT_EQ(store_->RecordCategoryCorrection(Correction(other, "Missing Trade")), CorrectionResult::kApplied);
  EXPECT_EQ(Connect()->CategoryCorrections(),
            (std::vector<LearnedCategory>{{"zorp kickback on vexo leg", "FX Rate Difference"},
                                          {"zorp kickback on vexo leg", "Missing Trade"}}));
}

TEST_P(StoreContract, ACorrectionReopensOnlyTheStatusItNames) {
  const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  AnomalyRecord closed = Anomaly("k1", run);
  closed.status = "Auto-Resolved";
  store_->InsertAnomalies(std::vector<AnomalyRecord>{closed, Anomaly("k2", run)});
  CategoryCorrection reopen = Correction(*store_->FindAnomalyId("k1"), "Quantity Mismatch");
  reopen.reopen_status = "Auto-Resolved";
  reopen.reopened_status = "Pending User Review";
  EXPECT_EQ(store_->RecordCategoryCorrection(reopen), CorrectionResult::kApplied);
  EXPECT_EQ(store_->FindAnomalyVerdict("k1")->record.status, "Pending User Review");
  const auto trail = store_->AuditTrail(reopen.anomaly_id, 10);
  EXPECT_EQ(trail.back().old_status, "Auto-Resolved");
  EXPECT_EQ(trail.back().new_status, "Pending User Review");
  EXPECT_EQ(trail.back().note, "category Timing Issue -> Quantity Mismatch; reopened: closed automatically as Timing Issue");

  CategoryCorrection stays = reopen;
  stays.anomaly_id = *store_->FindAnomalyId("k2");
  EXPECT_EQ(store_->RecordCategoryCorrection(stays), CorrectionResult::kApplied);
  EXPECT_EQ(store_->FindAnomalyVerdict("k2")->record.status, "Pending User Review") << "not in reopen_status";
  EXPECT_EQ(store_->AuditTrail(stays.anomaly_id, 10).back().note, "category Timing Issue -> Quantity Mismatch");
}

// --- outbox ---------------------------------------------------------------------------------------------------------

OutboxMail Mail(const std::string& message_id) {
  OutboxMail mail;
  mail.message_id = message_id;
  mail.kind = "batch";
  mail.subject = "recon: " + message_id;
  mail.text = "text";
  mail.html = "<p>html</p>";
  mail.attachment_path = "/tmp/a.csv";
  return mail;
}

constexpr const char* kLongAgo = "2000-01-01T00:00:00Z";
constexpr const char* kFarAhead = "2999-01-01T00:00:00Z";

TEST_P(StoreContract, TheOutboxTakesEachMessageIdOnceAndDrainsWhatIsDue) {
  const std::int64_t first = store_->EnqueueMail(Mail("<1@recon>"));
  const std::int64_t second = store_->EnqueueMail(Mail("<2@recon>"));
  EXPECT_GT(first, 0);
  EXPECT_NE(first, second);
  EXPECT_EQ(store_->EnqueueMail(Mail("<1@recon>")), first) << "a message id already there is not added twice";
  EXPECT_EQ(store_->ListMail("").size(), 2u);

  EXPECT_TRUE(store_->DueMail(kLongAgo, 10).empty()) << "due from when it was queued";
  const auto due = store_->DueMail(kFarAhead, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, first) << "oldest first";
  EXPECT_EQ(due[0].message_id, "<1@recon>");
  EXPECT_EQ(due[0].kind, "batch");
  EXPECT_EQ(due[0].subject, "recon: <1@recon>");
  EXPECT_EQ(due[0].text, "text");
  EXPECT_EQ(due[0].html, "<p>html</p>");
  EXPECT_EQ(due[0].attachment_path, "/tmp/a.csv");
  EXPECT_EQ(due[0].state, "pending");
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_FALSE(due[0].created_at.empty());
  EXPECT_EQ(store_->DueMail(kFarAhead, 1).size(), 1u);

  // A failed attempt: pending again from its next attempt time; a delivered one: sent.
  store_->RecordMailAttempt(first, "421 try later", "2998-01-01T00:00:00Z", false);
  store_->RecordMailAttempt(second, "", "", false);
  const auto later = store_->DueMail("2997-01-01T00:00:00Z", 10);
  EXPECT_TRUE(later.empty()) << "the failed one waits for its next attempt; the sent one is done";
  const auto retry = store_->DueMail(kFarAhead, 10);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].id, first);
  EXPECT_EQ(retry[0].attempts, 1);
  EXPECT_EQ(retry[0].last_error, "421 try later");
  const auto sent = store_->ListMail("sent");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, second);
  EXPECT_EQ(sent[0].attempts, 1);
  EXPECT_FALSE(sent[0].sent_at.empty());

  // Given up: failed, not due; retried: pending and due now.
  store_->RecordMailAttempt(first, "550 refused", kFarAhead, true);
  EXPECT_TRUE(store_->DueMail(kFarAhead, 10).empty());
  const auto failed = store_->ListMail("failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].attempts, 2);
  const auto attempts = store_->MailAttempts(first);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].error, "421 try later");
  EXPECT_EQ(attempts[1].error, "550 refused");
  EXPECT_EQ(store_->MailAttempts(second).size(), 1u);
  EXPECT_EQ(store_->MailAttempts(second)[0].error, "");
  EXPECT_EQ(store_->RetryFailedMail(kLongAgo), 1u);
  EXPECT_EQ(store_->RetryFailedMail(kLongAgo), 0u);
  EXPECT_EQ(store_->DueMail(kLongAgo, 10).size(), 1u) << "due at the time it was retried";
}

TEST_P(StoreContract, ListingAndPurgingTheOutbox) {
  const std::int64_t sent = store_->EnqueueMail(Mail("<s@recon>"));
  const std::int64_t failed = store_->EnqueueMail(Mail("<f@recon>"));
  const std::int64_t pending = store_->EnqueueMail(Mail("<p@recon>"));
  store_->RecordMailAttempt(sent, "", "", false);
  store_->RecordMailAttempt(failed, "550", kFarAhead, true);
  const auto all = store_->ListMail("");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, pending) << "newest first";
  EXPECT_EQ(all[2].id, sent);
  EXPECT_EQ(store_->ListMail("pending").size(), 1u);
  EXPECT_TRUE(store_->ListMail("no-such-state").empty());

  EXPECT_EQ(store_->PurgeMail(false), 1u) << "sent mails only";
  EXPECT_TRUE(store_->MailAttempts(sent).empty()) << "with their attempts";
  EXPECT_EQ(store_->ListMail("failed").size(), 1u);
  EXPECT_EQ(store_->PurgeMail(true), 1u) << "and the failed ones";
  EXPECT_EQ(store_->ListMail("").size(), 1u);
  EXPECT_EQ(store_->ListMail("")[0].id, pending) << "pending mails are never purged";
  EXPECT_EQ(store_->PurgeMail(true), 0u);
}

TEST_P(StoreContract, TheOutboxResumesAfterARestart) {
  const std::int64_t id = store_->EnqueueMail(Mail("<r@recon>"));
  store_.reset();
  auto reopened = Connect();
  const auto due = reopened->DueMail(kFarAhead, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, id);
}

// --- LLM cache ------------------------------------------------------------------------------------------------------

TEST_P(StoreContract, TheLlmCacheKeepsTheFirstAnswerPerKey) {
  const std::vector<std::string> keys = {"q1", "q2", "q3"};
  for (const auto& found : store_->FindCachedVerdicts(keys)) EXPECT_FALSE(found);
  EXPECT_TRUE(store_->FindCachedVerdicts({}).empty());
  store_->SaveCachedVerdicts(std::vector<CachedVerdict>{{"q1", "FX Rate Difference", "high", "fx", 0.9, "gpt-x"},
                                                        {"q3", "Unknown", "low", "?", 0.25, "gpt-x"}});
  store_->SaveCachedVerdicts(std::vector<CachedVerdict>{{"q1", "Unknown", "low", "other", 0.1, "gpt-y"}});
  store_->SaveCachedVerdicts({});
  const auto found = Connect()->FindCachedVerdicts(keys);
  ASSERT_EQ(found.size(), 3u);
  ASSERT_TRUE(found[0]);
  EXPECT_EQ(found[0]->key, "q1");
  EXPECT_EQ(found[0]->category, "FX Rate Difference") << "the first answer stays";
  EXPECT_EQ(found[0]->severity, "high");
  EXPECT_EQ(found[0]->summary, "fx");
  EXPECT_DOUBLE_EQ(found[0]->confidence, 0.9);
  EXPECT_EQ(found[0]->model, "gpt-x");
  EXPECT_FALSE(found[1]);
  ASSERT_TRUE(found[2]);
  EXPECT_EQ(found[2]->category, "Unknown");
  EXPECT_EQ(store_->CountCachedVerdicts(), 2u);
}

// --- runs -----------------------------------------------------------------------------------------------------------

TEST_P(StoreContract, RunsAreNumberedAndRecordHowTheyEnded) {
  EXPECT_EQ(store_->CountRuns(), 0u);
  const auto first = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  const auto second = Connect()->BeginRun({"g.csv", "fp", "model", "train"});
  EXPECT_GT(second, first);
  EXPECT_EQ(store_->RunStatus(first), "") << "running";
  EXPECT_EQ(store_->RunStatus(9999), "") << "no such run";
  store_->InsertAnomalies(Anomalies("a", first, 3));
  store_->InsertAnomalies(Anomalies("b", second, 2));
  store_->InsertAnomalies(Anomalies("a", second, 4));  // three of them already stored by the first run
  EXPECT_EQ(store_->CountRunAnomalies(first), 3u);
  EXPECT_EQ(store_->CountRunAnomalies(second), 3u);
  EXPECT_EQ(store_->CountRunAnomalies(9999), 0u);
  store_->FinishRun(first, {10, 1, 3, 3, "ok"});
  store_->FinishRun(second, {5, 0, 2, 2, "failed: disk full"});
  EXPECT_EQ(store_->RunStatus(first), "ok");
  EXPECT_EQ(Connect()->RunStatus(second), "failed: disk full");
  EXPECT_EQ(store_->CountRuns(), 2u);
  EXPECT_TRUE(store_->MarkInterruptedRuns().empty()) << "finished runs are never marked";
}

TEST_P(StoreContract, RunsWhoseProcessEndedAreMarkedInterruptedWithWhatTheyCommitted) {
  const RunOwner self = CurrentRunOwner();
  ASSERT_FALSE(self.host.empty());
  ASSERT_GT(self.start_ticks, 0u);
  const auto alive = store_->BeginRun({"f.csv", "fp", "model", "detect"});  // this process: alive
  RunRecord killed{"f.csv", "fp", "model", "detect"};
  killed.owner = RunOwner{self.host, DeadPid(), self.start_ticks};
  const auto killed_id = store_->BeginRun(killed);
  RunRecord reused_pid{"api", "", "model", "serve"};
  reused_pid.owner = RunOwner{self.host, self.pid, self.start_ticks + 1};  // the pid now names another process
  const auto reused_id = store_->BeginRun(reused_pid);
  RunRecord remote{"f.csv", "fp", "model", "detect"};
  remote.owner = RunOwner{"another-host.invalid", DeadPid(), 1};  // cannot be checked from here: left alone
  const auto remote_id = store_->BeginRun(remote);
  const auto finished = store_->BeginRun({"f.csv", "fp", "model", "detect"});
  store_->FinishRun(finished, {1, 0, 0, 0, "ok"});
  store_->InsertAnomalies(Anomalies("killed-", killed_id, 5));
  store_->InsertAnomalies(Anomalies("alive-", alive, 3));
  store_->InsertAnomalies(Anomalies("killed-", reused_id, 7));  // five already stored by the killed run

  const std::vector<InterruptedRun> marked = store_->MarkInterruptedRuns();
  ASSERT_EQ(marked.size(), 2u);
  EXPECT_EQ(marked[0].run_id, killed_id);
  EXPECT_EQ(marked[0].committed, 5u);
  EXPECT_EQ(marked[1].run_id, reused_id);
  EXPECT_EQ(marked[1].committed, 2u);
  EXPECT_EQ(store_->RunStatus(killed_id),
            "interrupted: the process ended without finishing (killed or crashed); 5 anomalies committed");
  EXPECT_EQ(store_->RunStatus(reused_id).rfind("interrupted: ", 0), 0u) << store_->RunStatus(reused_id);
  EXPECT_EQ(store_->RunStatus(alive), "") << "a live run is never marked";
  EXPECT_EQ(store_->RunStatus(remote_id), "") << "another host's run is left to that host";
  EXPECT_EQ(store_->RunStatus(finished), "ok");
  EXPECT_EQ(store_->CountRunAnomalies(killed_id), 5u);
  EXPECT_EQ(store_->CountRunAnomalies(alive), 3u);
  EXPECT_TRUE(Connect()->MarkInterruptedRuns().empty()) << "each run is marked once, by one connection";
}

TEST_P(StoreContract, StartRunLogsEachInterruptedRunThenBeginsItsOwn) {
  RunRecord killed{"f.csv", "fp", "model", "detect"};
  killed.owner = RunOwner{CurrentRunOwner().host, DeadPid(), 1};
  const auto killed_id = store_->BeginRun(killed);
  store_->InsertAnomalies(Anomalies("k", killed_id, 4));
  LoggingParams params;
  params.dir = dir_.File("log");
  const auto started = StartRun(*store_, {"g.csv", "fp", "model", "detect"}, Logger::Open(params));
  EXPECT_GT(started, killed_id);
  EXPECT_EQ(store_->RunStatus(started), "");
  const std::string log = testing::ReadFile(dir_.File("log/recon.log"));
  const auto line = nlohmann::json::parse(log.substr(0, log.find('\n')));
  EXPECT_EQ(line["event"], "run.interrupted");
  EXPECT_EQ(line["run_id"], killed_id);
  EXPECT_EQ(line["committed"], 4);
}

// --- connections ----------------------------------------------------------------------------------------------------

TEST_P(StoreContract, ChangesByOthersMovesOnlyWhenAnotherConnectionCommits) {
  auto other = Connect();
  const auto run = store_->BeginRun({"api", "", "model", "serve"});
  const std::uint64_t start = store_->ChangesByOthers();
  store_->InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k1", run)});
  EXPECT_EQ(store_->ChangesByOthers(), start) << "its own commit";
  const auto id = other->FindAnomalyId("k1");
  ASSERT_TRUE(id);
  EXPECT_EQ(store_->ChangesByOthers(), start) << "another connection's read";
  other->RecordFeedback(*id, "Resolved", "j.doe", "elsewhere");
  EXPECT_NE(store_->ChangesByOthers(), start) << "another connection's commit";
  EXPECT_EQ(store_->FindAnomalyVerdict("k1")->record.status, "Resolved");
}

TEST_P(StoreContract, EveryConcernIsReachableThroughItsOwnInterface) {
  // Callers hold the narrowest interface they use; each is the same connection.
  TicketStore& tickets = *store_;
  LlmCacheStore& cache = *store_;
  OutboxStore& outbox = *store_;
  RunStore& runs = *store_;
  AnomalyStore& anomalies = *store_;
  FeedbackStore& feedback = *store_;
  EXPECT_EQ(tickets.IssueTickets(std::vector<std::string>{"x"}, "T-"), (std::vector<std::string>{"T-000001"}));
  cache.SaveCachedVerdicts(std::vector<CachedVerdict>{{"q", "Unknown", "low", "", 0.5, "m"}});
  EXPECT_GT(outbox.EnqueueMail(Mail("<i@recon>")), 0);
  const auto run = runs.BeginRun({"f.csv", "fp", "model", "detect"});
  EXPECT_EQ(anomalies.InsertAnomalies(std::vector<AnomalyRecord>{Anomaly("k", run)}), 1u);
  EXPECT_TRUE(feedback.RecordFeedback(*anomalies.FindAnomalyId("k"), "Resolved", "me", ""));
  EXPECT_EQ(store_->CountCachedVerdicts() + store_->CountTickets() + store_->CountRuns(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace recon::store
