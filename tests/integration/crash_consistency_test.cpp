// Crash consistency through the real binary (issue 16): `recon detect` and `recon serve` killed with SIGKILL midway
// leave a log that says how far they got (a service, every request it answered), no truncated CSV at the output path (the previous output, when there was
// one, byte for byte), and a run that the next start marks interrupted with the anomalies it had committed. A run
// that is still alive beside the next start is left alone.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/beast_client.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace recon {
namespace {

using nlohmann::json;

const std::string kSmallInput = std::string(RECON_SOURCE_DIR) + "/data/recon_sample_10k.csv";

// `recon` started in the background with its stdout and stderr in a file; killed and reaped by the destructor.
class ReconProcess {
 public:
  ReconProcess(std::vector<std::string> args, const std::string& output_file) {
    args.insert(args.begin(), RECON_BINARY);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      pid_ = 0;
      ADD_FAILURE() << "could not start " << RECON_BINARY;
    }
  }
  ~ReconProcess() {
    if (pid_ == 0) return;
    ::kill(pid_, SIGKILL);
    Wait();
  }
  ReconProcess(const ReconProcess&) = delete;
  ReconProcess& operator=(const ReconProcess&) = delete;

  /// True while the process has not exited (it is reaped, and its status kept, once it has).
  bool Running() {
    if (pid_ == 0) return false;
    if (::waitpid(pid_, &status_, WNOHANG) != pid_) return true;
    pid_ = 0;
    return false;
  }
  void Kill() {
    if (pid_ != 0) ::kill(pid_, SIGKILL);
  }
  /// Waits for the exit and returns the wait status.
  int Wait() {
    if (pid_ != 0 && ::waitpid(pid_, &status_, 0) == pid_) pid_ = 0;
    return status_;
  }

 private:
  pid_t pid_ = 0;
  int status_ = 0;
};

int RunToCompletion(std::vector<std::string> args, const std::string& output_file) {
  ReconProcess process(std::move(args), output_file);
  const int status = process.Wait();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Polls `done` every 10 ms until it holds, `process` exits or 60 s pass: waits on an event, not on a guess.
bool WaitFor(ReconProcess& process, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    if (!process.Running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// One integer from the store, read-only beside a running writer; -1 when it cannot be read (yet).
std::int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t value = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_type(statement, 0) != SQLITE_NULL) {
      value = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

std::string QueryText(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string value = "<null>";
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_type(statement, 0) != SQLITE_NULL) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

// The log's lines as JSON objects; every line must be whole (a kill loses at most the line being written, and
// each line is written in one call).
std::vector<json> LogLines(const std::string& path) {
  std::istringstream text(testing::ReadFile(path));
  std::vector<json> lines;
  std::string line;
  while (std::getline(text, line)) {
    const json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << "a torn log line: " << line;
    if (!parsed.is_discarded()) lines.push_back(parsed);
  }
  return lines;
}

bool Logged(const std::vector<json>& lines, const std::string& event, std::int64_t run_id) {
  for (const json& line : lines) {
    if (line.value("event", "") == event && line.value("run_id", std::int64_t{-1}) == run_id) return true;
  }
  return false;
}

// A folder with a config naming every path inside it. Contamination 0.1 makes the big input flag about 27,000
// rows, so the detect job's store writer commits its first 16,384 well before the end of the file.
struct Workspace {
  testing::TempDir dir;
  std::string config = dir.File("recon.yaml");
  std::string store = dir.File("var/recon.db");
  std::string output = dir.File("var/anomalies.csv");
  std::string log = dir.File("var/log/recon.log");

  Workspace() {
    dir.Write("recon.yaml", "paths:\n  store: " + store + "\n  model: " + dir.File("var/models/recon.model") +
                                "\n  output: " + output + "\nlogging:\n  dir: " + dir.File("var/log") +
                                "\ndetector:\n  contamination: 0.1\nserver:\n  port: 0\n");
  }
  std::vector<std::string> Detect(const std::string& input) const {
    return {"--config", config, "-q", "detect", input};
  }
  std::int64_t Committed(std::int64_t run_id) const {
    return QueryInt(store, "SELECT COUNT(*) FROM anomalies WHERE first_run_id = " + std::to_string(run_id));
  }
  std::vector<std::string> OutputFolder() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(output).parent_path())) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }
};

class CrashConsistency : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new testing::TempDir();
    const std::string generate = "'" + std::string(RECON_PYTHON) + "' '" + RECON_SOURCE_DIR +
                                 "/tests/tools/gen_recon_data.py' --rows 400000 --seed 16 --out '" +
                                 data_dir_->File("big.csv") + "' > /dev/null 2>&1";
    ASSERT_EQ(std::system(generate.c_str()), 0) << generate;
  }
  static void TearDownTestSuite() {
    delete data_dir_;
    data_dir_ = nullptr;
  }
  static std::string BigInput() { return data_dir_->File("big.csv"); }
  static testing::TempDir* data_dir_;
};
testing::TempDir* CrashConsistency::data_dir_ = nullptr;

// Starts `recon detect` on the big input, waits until run `run_id` has committed anomalies (midway: the log says
// run.started and the store holds some of its anomalies), and kills it. Returns what the run had committed.
std::int64_t KillDetectMidway(const Workspace& space, const std::string& input, std::int64_t run_id) {
  ReconProcess detect(space.Detect(input), space.dir.File("killed.out"));
  const bool midway = WaitFor(detect, [&] {
    return testing::ReadFile(space.log).find("\"run.started\"") != std::string::npos && space.Committed(run_id) > 0;
  });
  EXPECT_TRUE(midway) << "the run ended (or never got going) before it could be killed midway:\n"
                      << testing::ReadFile(space.dir.File("killed.out"));
  detect.Kill();
  const int status = detect.Wait();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "wait status " << status;
  return space.Committed(run_id);
}

TEST_F(CrashConsistency, AKilledDetectLeavesItsLogNoPartialOutputAndIsMarkedInterruptedNextTime) {
  Workspace space;
  const std::int64_t committed = KillDetectMidway(space, BigInput(), 1);
  EXPECT_GT(committed, 0);

  ASSERT_TRUE(std::filesystem::exists(space.log));
  EXPECT_GT(std::filesystem::file_size(space.log), 0u);
  const auto lines = LogLines(space.log);
  EXPECT_TRUE(Logged(lines, "run.started", 1)) << testing::ReadFile(space.log);
  EXPECT_FALSE(std::filesystem::exists(space.output)) << "a truncated CSV at the final path";
  for (const std::string& name : space.OutputFolder()) {
    EXPECT_TRUE(name == "recon.db" || name.rfind("recon.db-", 0) == 0 || name == "models" || name == "log" ||
                name.find(".partial") != std::string::npos)
        << name;
  }
  EXPECT_EQ(QueryText(space.store, "SELECT COALESCE(status, '<running>') FROM runs WHERE id = 1"), "<running>");

  // The next start marks it, with what it had committed, and logs that it did.
  ASSERT_EQ(RunToCompletion(space.Detect(kSmallInput), space.dir.File("next.out")), 0)
      << testing::ReadFile(space.dir.File("next.out"));
  EXPECT_EQ(QueryText(space.store, "SELECT status FROM runs WHERE id = 1"),
            "interrupted: the process ended without finishing (killed or crashed); " + std::to_string(committed) +
                " anomalies committed");
  EXPECT_EQ(QueryInt(space.store, "SELECT anomalies_new FROM runs WHERE id = 1"), committed);
  EXPECT_NE(QueryText(space.store, "SELECT finished_at FROM runs WHERE id = 1"), "<null>");
  EXPECT_EQ(QueryText(space.store, "SELECT status FROM runs WHERE id = 2"), "ok");
  bool logged = false;
  for (const json& line : LogLines(space.log)) {
    if (line.value("event", "") != "run.interrupted") continue;
    logged = true;
    EXPECT_EQ(line["run_id"], 1);
    EXPECT_EQ(line["committed"], committed);
  }
  EXPECT_TRUE(logged) << testing::ReadFile(space.log);
  EXPECT_TRUE(std::filesystem::exists(space.output));
}

TEST_F(CrashConsistency, AKilledDetectLeavesThePreviousOutputByteForByte) {
  Workspace space;
  ASSERT_EQ(RunToCompletion(space.Detect(kSmallInput), space.dir.File("first.out")), 0)
      << testing::ReadFile(space.dir.File("first.out"));
  const std::string previous = testing::ReadFile(space.output);
  ASSERT_GT(previous.size(), 1000u);
  KillDetectMidway(space, BigInput(), 2);
  EXPECT_TRUE(Logged(LogLines(space.log), "run.started", 2)) << testing::ReadFile(space.log);
  EXPECT_TRUE(testing::ReadFile(space.output) == previous) << "the killed run replaced the previous output";
}

TEST_F(CrashConsistency, ALiveServeIsLeftAloneAndAKilledOneIsMarkedAtTheNextStart) {
  Workspace space;
  ASSERT_EQ(RunToCompletion(space.Detect(kSmallInput), space.dir.File("first.out")), 0);  // trains the model
  const std::string serve_out = space.dir.File("serve.out");
  ReconProcess serve({"--config", space.config, "serve"}, serve_out);
  ASSERT_TRUE(WaitFor(serve, [&] { return testing::ReadFile(serve_out).find("listening on") != std::string::npos; }))
      << testing::ReadFile(serve_out);
  ASSERT_EQ(QueryText(space.store, "SELECT command FROM runs WHERE id = 2"), "serve");

  // A detect beside the live service: the service's run stays open.
  ASSERT_EQ(RunToCompletion(space.Detect(kSmallInput), space.dir.File("beside.out")), 0);
  EXPECT_EQ(QueryText(space.store, "SELECT COALESCE(status, '<running>') FROM runs WHERE id = 2"), "<running>");
  EXPECT_EQ(QueryText(space.store, "SELECT status FROM runs WHERE id = 3"), "ok");
  EXPECT_FALSE(Logged(LogLines(space.log), "run.interrupted", 2));

  serve.Kill();
  serve.Wait();
  ASSERT_EQ(RunToCompletion(space.Detect(kSmallInput), space.dir.File("after.out")), 0);
  EXPECT_EQ(QueryText(space.store, "SELECT status FROM runs WHERE id = 2").rfind("interrupted: ", 0), 0u);
  EXPECT_EQ(QueryInt(space.store, "SELECT anomalies_new FROM runs WHERE id = 2"), 0);
  EXPECT_TRUE(Logged(LogLines(space.log), "run.interrupted", 2)) << testing::ReadFile(space.log);
  EXPECT_EQ(QueryText(space.store, "SELECT status FROM runs WHERE id = 4"), "ok");
}

// Issue 18: a service killed with SIGKILL after answering requests leaves each answered request's line in its log
// (each `http.request` line is written through before its answer goes out, so none may be missing).
TEST_F(CrashConsistency, AServeKilledAfterAnsweringLeavesTheRequestsItAnsweredInItsLog) {
  Workspace space;
  ASSERT_EQ(RunToCompletion(space.Detect(kSmallInput), space.dir.File("first.out")), 0);  // trains the model
  testing::ServeProcess serve(space.config);
  const json trade = {{"TRADE_ID", "N1"},         {"TRADE_DATE", "2025-01-02"}, {"SETTLEMENT_DATE", "2025-01-03"},
                      {"DESKNAME", "EQ Cash NY"}, {"CURRENCY", "USD"},          {"BOOK_QUANTITY", 100},
                      {"STREET_QUANTITY", 100},   {"QUANTITY_DIFF", 0},         {"BOOK_PRICE", 98.8},
                      {"STREET_PRICE", 98.8},     {"PRICE_DIFF", 0},            {"BOOK_AMOUNT", 9880},
                      {"STREET_AMOUNT", 9880},    {"AMOUNT_DIFF", 0},           {"COMMENT", ""}};
  {
    testing::HttpConnection client(serve.Port());
    for (int idx = 0; idx < 3; ++idx) ASSERT_EQ(client.Get("/health").status, 200);
    for (int idx = 0; idx < 2; ++idx) ASSERT_EQ(client.Post("/realtime_anomaly", trade.dump()).status, 200);
    ASSERT_EQ(client.Get("/no_such_route").status, 404);
  }
  serve.Kill(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(serve.ExitStatus()) && WTERMSIG(serve.ExitStatus()) == SIGKILL) << serve.ExitStatus();

  std::map<std::string, int> answered;  // route -> lines
  for (const json& line : LogLines(space.log)) {
    if (line.value("event", "") != "http.request") continue;
    ++answered[line.value("route", "") + " " + std::to_string(line.value("status", 0))];
  }
  EXPECT_EQ(answered, (std::map<std::string, int>{{"health 200", 3}, {"realtime_anomaly 200", 2}, {"other 404", 1}}))
      << testing::ReadFile(space.log);
  EXPECT_NE(testing::ReadFile(space.log).find("\"server.started\""), std::string::npos);
}

}  // namespace
}  // namespace recon
