#include "recon/pipeline/async_store_writer.hpp"
#include "recon/store/store.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace recon::pipeline {
namespace {

store::AnomalyRecord Anomaly(const std::string& key, std::int64_t run_id) {
  store::AnomalyRecord record;
  record.natural_key = key;
  record.run_id = run_id;
  record.source = "f.csv";
  record.trade_id = key;
  record.status = "Pending User Review";
  record.row_json = "{}";
  return record;
}

std::vector<store::AnomalyRecord> Keys(int first, int last, std::int64_t run_id) {
  std::vector<store::AnomalyRecord> records;
  for (int key = first; key < last; ++key) records.push_back(Anomaly("k" + std::to_string(key), run_id));
  return records;
}

// Submissions mixing stored and new anomalies, with insert batches smaller and larger than a submission: every
// new one is written exactly once, and Finish reports how many were new.
TEST(AsyncStoreWriterTest, WritesEachNewAnomalyOnceWhateverTheInsertBatch) {
  for (const std::size_t insert_batch : {std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
    testing::TempDir dir;
    const std::string path = dir.File("recon.db");
    auto store = store::OpenStore("sqlite:" + path);
    const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
    store->InsertAnomalies(Keys(0, 10, run));
    AsyncStoreWriter writer(store::OpenStore("sqlite:" + path), 2, insert_batch);
    writer.Submit(Keys(5, 20, run));   // 5 stored, 10 new
    writer.Submit(Keys(15, 30, run));  // 5 submitted just before, 10 new
    writer.Submit(Keys(0, 3, run));    // all stored
    EXPECT_EQ(writer.Finish(), 20u) << insert_batch;
    EXPECT_EQ(store->CountAnomalies(), 30u) << insert_batch;
    writer.Submit(Keys(30, 31, run));
    EXPECT_EQ(writer.Finish(), 21u) << insert_batch;
    EXPECT_EQ(store->CountAnomalies(), 31u) << insert_batch;
  }
}

TEST(AsyncStoreWriterTest, WhatItHoldsIsWrittenWhenItIsDestroyedWithoutFinish) {
  testing::TempDir dir;
  const std::string path = dir.File("recon.db");
  auto store = store::OpenStore("sqlite:" + path);
  const auto run = store->BeginRun({"f.csv", "fp", "model", "detect"});
  {
    AsyncStoreWriter writer(store::OpenStore("sqlite:" + path), 2, 1000);
    writer.Submit(Keys(0, 5, run));
  }
  EXPECT_EQ(store->CountAnomalies(), 5u);
}

}  // namespace
}  // namespace recon::pipeline
