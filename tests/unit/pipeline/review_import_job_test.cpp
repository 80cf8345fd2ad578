// `recon review import`: each good row applied, each bad one refused with its line and reason while the rest go
// on, a second import changes nothing, and the next run's categoriser has learnt the corrections.
#include "recon/pipeline/review_import_job.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "recon/core/error.hpp"
#include "recon/core/logger.hpp"
#include "recon/pipeline/categorise_job.hpp"
#include "recon/pipeline/categoriser_factory.hpp"
#include "recon/pipeline/category_review.hpp"
#include "recon/store/store.hpp"
#include "support/temp_dir.hpp"

namespace recon::pipeline {
namespace {

store::AnomalyRecord Anomaly(const std::string& key, std::int64_t run_id, const std::string& trade_id,
                             const std::string& comment) {
  store::AnomalyRecord record;
  record.natural_key = key;
  record.run_id = run_id;
  record.source = "f.csv";
  record.trade_id = trade_id;
  record.trade_date = "2025-01-02";
  record.desk = "Rates";
  record.category = "Quantity Mismatch";
  record.category_source = "local";
  record.severity = "low";
  record.summary = "s";
  record.status = "Pending User Review";
  record.explanation = "e";
  record.row_json = nlohmann::json{{"TRADE_ID", trade_id}, {"COMMENT", comment}}.dump();
  return record;
}

class ReviewImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.store.url = "sqlite:" + dir_.File("var/recon.db");
    store_ = store::OpenStore(config_.store.url);
    const auto run = store_->BeginRun({"f.csv", "fp", "model", "detect"});
    store_->InsertAnomalies(std::vector<store::AnomalyRecord>{
        Anomaly("k1", run, "T1", "zorp xlat on vexo leg"), Anomaly("k2", run, "T2", "vexo leg zorp xlat"),
        Anomaly("k3a", run, "T3", "zorp xlat booked twice on vexo"), Anomaly("k3b", run, "T3", "dup of T3")});
  }
  std::int64_t Id(const char* key) { return *store_->FindAnomalyId(key); }
  std::string Category(const char* key) { return store_->GetAnomaly(Id(key))->record.category; }
  ReviewImportReport Import(const std::string& csv, const std::string& reviewer = "j.doe") {
    return RunReviewImport(config_, {dir_.Write("corrections.csv", csv), reviewer}, Logger::Null());
  }

  testing::TempDir dir_;
  Config config_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ReviewImportTest, GoodRowsApplyAndBadOnesAreRefusedWithTheirLineWhileTheRestGoOn) {
  const std::string k1 = std::to_string(Id("k1"));
  const std::string k3a = std::to_string(Id("k3a"));
  const std::string csv = "anomaly_id,trade_id,category,reviewer,note\n" +    // line 1
                          k1 + ",,Fee/Commission Difference,,broker fee\n" +  // 2
                          ",T2,Fee,,\n"                                       // 3: unknown category
                          ",T3,Missing Trade,,\n"                             // 4: ambiguous trade id
                          ",T9,Unknown,,\n"                                   // 5: no anomaly of T9
                          "99999,,Unknown,,\n\"" +                            // 6: no anomaly 99999
                          k3a +
                          "\",T3,Fee/Commission Difference,a.smith,\"two\nlines\"\n" +  // 7-8
                          ",T2,Fee/Commission Difference,,\n" +                         // 9
                          k1 +
                          ",T2,Unknown,,\n"                     // 10: id and trade disagree
                          ",T1,Fee/Commission Difference,,\n";  // 11: already so
  const ReviewImportReport report = Import(csv);
  EXPECT_EQ(report.rows, 9u);
  EXPECT_EQ(report.applied, 3u);
  EXPECT_EQ(report.unchanged, 1u);
  EXPECT_EQ(report.refused, 5u);
  ASSERT_EQ(report.refused_rows.size(), 5u);
  const std::vector<std::pair<std::uint64_t, std::string>> expected = {
      {3,
       "unknown category 'Fee' (one of: Rounding Error, Timing Issue, Quantity Mismatch, Price Mismatch, "
       "FX Rate Difference, Fee/Commission Difference, Duplicate Entry, Missing Trade, Unknown)"},
      {4, "trade 'T3' has several anomalies: name the one with anomaly_id"},
      {5, "no anomaly of trade 'T9'"},
      {6, "no anomaly 99999"},
      {10, "anomaly " + std::to_string(Id("k1")) + " is of trade 'T1', not 'T2'"}};
  for (std::size_t idx = 0; idx < expected.size(); ++idx) {
    EXPECT_EQ(report.refused_rows[idx].line, expected[idx].first);
    EXPECT_EQ(report.refused_rows[idx].reason, expected[idx].second);
  }
  // Rows before and after the bad ones were applied, each signed by its reviewer (or --reviewer).
  EXPECT_EQ(Category("k1"), "Fee/Commission Difference");
  EXPECT_EQ(Category("k2"), "Fee/Commission Difference");
  EXPECT_EQ(Category("k3a"), "Fee/Commission Difference");
  EXPECT_EQ(Category("k3b"), "Quantity Mismatch");
  EXPECT_EQ(store_->AuditTrail(Id("k1"), 10).back().actor, "j.doe");
  const auto k3a_audit = store_->AuditTrail(Id("k3a"), 10).back();
  EXPECT_EQ(k3a_audit.actor, "a.smith");
  EXPECT_EQ(k3a_audit.note, "category Quantity Mismatch -> Fee/Commission Difference; two\nlines");
  EXPECT_EQ(report.corrections_kept, 3u);
  EXPECT_EQ(store_->CategoryCorrections().front().comment, "zorp xlat on vexo leg")
      << "a correction teaches the anomaly's comment, read from its stored row";

  // The same file again: the good rows change nothing, the bad ones are refused again.
  const ReviewImportReport again = Import(csv);
  EXPECT_EQ(again.applied, 0u);
  EXPECT_EQ(again.unchanged, 4u);
  EXPECT_EQ(again.refused, 5u);
  EXPECT_EQ(store_->CategoryCorrections().size(), 3u);
  EXPECT_EQ(store_->AuditTrail(Id("k1"), 10).size(), 2u);

  EXPECT_NE(RenderReviewImport(report).find("rows 9: 3 corrected, 1 already so, 5 refused\n  line 3: unknown"),
            std::string::npos)
      << RenderReviewImport(report);
}

TEST_F(ReviewImportTest, ACategoryTheNumbersRuleOutIsRefusedAndNotLearnt) {
  // A one-sided 47.6M GBP break: no reviewer's word makes it a rounding error, nor teaches the model that it is.
  store::AnomalyRecord missing = Anomaly("k4", 1, "T4", "pen");
  missing.row_json = nlohmann::json{{"TRADE_ID", "T4"},         {"COMMENT", "pen"},          {"CURRENCY", "GBP"},
                                    {"BOOK_QUANTITY", 639000},  {"STREET_QUANTITY", 0},      {"QUANTITY_DIFF", 639000},
                                    {"BOOK_PRICE", 74.4753},    {"STREET_PRICE", 0},         {"PRICE_DIFF", 74.4753},
                                    {"BOOK_AMOUNT", 47589716.7}, {"STREET_AMOUNT", 0},       {"AMOUNT_DIFF", 47589716.7}}
                         .dump();
  store_->InsertAnomalies(std::vector<store::AnomalyRecord>{missing});
  const std::string id = std::to_string(Id("k4"));
  const ReviewImportReport report = Import("anomaly_id,category\n" + id + ",Rounding Error\n" + id +
                                           ",Fee/Commission Difference\n" + id + ",Missing Trade\n");
  EXPECT_EQ(report.applied, 1u);
  ASSERT_EQ(report.refused_rows.size(), 2u);
  EXPECT_EQ(report.refused_rows[0].line, 2u);
  EXPECT_EQ(report.refused_rows[0].reason, "anomaly " + id + " cannot be a Rounding Error: one side is absent");
  EXPECT_EQ(report.refused_rows[1].reason,
            "anomaly " + id + " cannot be a Fee/Commission Difference: one side is absent");
  EXPECT_EQ(Category("k4"), "Missing Trade");
  ASSERT_EQ(store_->CategoryCorrections().size(), 1u) << "only the correction the numbers allow is learnt";
  EXPECT_EQ(store_->CategoryCorrections().front().category, "Missing Trade");
}

TEST_F(ReviewImportTest, AFileThatCannotBeReadAsCorrectionsIsRefusedWhole) {
  const auto kind_of = [&](const std::string& csv, const std::string& reviewer) {
    try {
      Import(csv, reviewer);
    } catch (const Error& error) {
      return error.Kind();
    }
    return ErrorKind::kInternal;
  };
  EXPECT_EQ(kind_of("anomaly_id,note\n1,x\n", "j.doe"), ErrorKind::kInvalidInput) << "no category column";
  EXPECT_EQ(kind_of("category,note\nUnknown,x\n", "j.doe"), ErrorKind::kInvalidInput) << "no anomaly column";
  EXPECT_EQ(kind_of("trade_id,category\nT1,Unknown\n", ""), ErrorKind::kInvalidInput) << "nobody signs it";
  EXPECT_EQ(kind_of("trade_id,category\nT1,Unknown\n", "j.doe\r\nactor: admin"), ErrorKind::kInvalidInput);
  EXPECT_EQ(Category("k1"), "Quantity Mismatch") << "nothing applied";
  try {
    RunReviewImport(config_, {dir_.File("missing.csv"), "j.doe"}, Logger::Null());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kNotFound);
  }
  // A reviewer column whose cell is empty, without --reviewer: that row only is refused.
  const auto report = Import("TRADE_ID,Category,Reviewer\nT1,Unknown,\nT2,Unknown,j.doe\n", "");
  EXPECT_EQ(report.applied, 1u);
  ASSERT_EQ(report.refused_rows.size(), 1u);
  EXPECT_EQ(report.refused_rows[0].line, 2u);
  EXPECT_EQ(report.refused_rows[0].reason, "no reviewer: fill the reviewer column or give --reviewer");
}

TEST_F(ReviewImportTest, TheNextRunsCategoriserHasLearntTheCorrections) {
  CategoriseOptions options;
  options.comment = "zorp xlat again";  // the team's phrasing, in no correction verbatim
  // Quantities and prices agree, the booked amount is 5% higher: the comment tells FX Rate from Fee/Commission.
  options.evidence_json =
      R"({"book_quantity":100,"street_quantity":100,"book_price":98.8,"street_price":98.8,"book_amount":10380,)"
      R"("street_amount":9880,"amount_diff":500,"currency":"USD"})";
  const auto before = nlohmann::json::parse(RunCategorise(config_, options, Logger::Null()));
  ASSERT_NE(before["category"], "Fee/Commission Difference");

  const auto report = Import(
      "anomaly_id,trade_id,category\n,T1,Fee/Commission Difference\n"
      ",T2,Fee/Commission Difference\n" +
      std::to_string(Id("k3a")) + ",,Fee/Commission Difference\n");
  ASSERT_EQ(report.applied, 3u) << RenderReviewImport(report);
  ASSERT_EQ(LearnedCorrections(*store_).size(), 3u);

  const auto after = nlohmann::json::parse(RunCategorise(config_, options, Logger::Null()));
  EXPECT_EQ(after["category"], "Fee/Commission Difference") << after.dump();
  const RunCategoriser run = MakeRunCategoriser(config_, false, *store_, Logger::Null());
  EXPECT_NE(run.local, nullptr) << "the service reaches the local categoriser to learn later corrections";
}

// A break closed automatically as a Timing Issue that a reviewer says is a Missing Trade is money nobody would chase:
// the correction reopens it, in the same transaction, with an audit row that says so.
TEST_F(ReviewImportTest, CorrectingAnAutoResolvedTimingIssueToAnotherCategoryReopensIt) {
  const auto run = store_->BeginRun({"g.csv", "fp", "model", "detect"});
  auto closed = Anomaly("k4", run, "T4", "pending settlement");
  closed.category = "Timing Issue";
  closed.status = "Auto-Resolved";
  auto closed_too = Anomaly("k5", run, "T5", "pending settlement");
  closed_too.category = "Timing Issue";
  closed_too.status = "Auto-Resolved";
  store_->InsertAnomalies(std::vector<store::AnomalyRecord>{closed, closed_too});
  const auto report = Import("trade_id,category\nT4,Missing Trade\n");
  ASSERT_EQ(report.applied, 1u) << RenderReviewImport(report);
  const auto reopened = *store_->GetAnomaly(Id("k4"));
  EXPECT_EQ(reopened.record.category, "Missing Trade");
  EXPECT_EQ(reopened.record.status, "Pending User Review");
  const auto trail = store_->AuditTrail(Id("k4"), 10);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].old_status, "Auto-Resolved");
  EXPECT_EQ(trail[1].new_status, "Pending User Review");
  EXPECT_NE(trail[1].note.find("reopened"), std::string::npos) << trail[1].note;
  // A Timing Issue confirmed as timing under another wording stays closed; a pending one is not touched.
  EXPECT_EQ(store_->GetAnomaly(Id("k5"))->record.status, "Auto-Resolved");
  Import("trade_id,category\nT1,Missing Trade\n");
  EXPECT_EQ(store_->GetAnomaly(Id("k1"))->record.status, "Pending User Review");
}

}  // namespace
}  // namespace recon::pipeline
