#include "recon/service/verdict_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace recon::service {
namespace {

store::StoredAnomaly Verdict(const std::string& key, std::int64_t id, const std::string& status = "Pending") {
  store::StoredAnomaly verdict;
  verdict.id = id;
  verdict.record.natural_key = key;
  verdict.record.status = status;
  return verdict;
}

TEST(VerdictCacheTest, AnOfferedVerdictIsFoundUntilErased) {
  VerdictCache cache(100);
  EXPECT_FALSE(cache.Find("k1"));
  cache.Offer(Verdict("k1", 7), cache.Epoch());
  const auto found = cache.Find("k1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, 7);
  EXPECT_EQ(found->record.status, "Pending");
  cache.Erase("k1");
  EXPECT_FALSE(cache.Find("k1"));
}

TEST(VerdictCacheTest, AVerdictReadBeforeAnErasureIsRefused) {
  // A request read the old status from the store, a reviewer's decision erased the key meanwhile: the old
  // status must not come back into the cache.
  VerdictCache cache(100);
  const std::uint64_t epoch_before_read = cache.Epoch();
  cache.Erase("k1");
  cache.Offer(Verdict("k1", 1, "Pending"), epoch_before_read);
  EXPECT_FALSE(cache.Find("k1"));
  cache.Offer(Verdict("k1", 1, "Resolved"), cache.Epoch());
  EXPECT_EQ(cache.Find("k1")->record.status, "Resolved");
}

TEST(VerdictCacheTest, ClearForgetsEverythingAndRefusesOlderReads) {
  VerdictCache cache(100);
  const std::uint64_t epoch = cache.Epoch();
  cache.Offer(Verdict("a", 1), epoch);
  cache.Offer(Verdict("b", 2), epoch);
  cache.Clear();
  EXPECT_EQ(cache.Size(), 0u);
  cache.Offer(Verdict("a", 1), epoch);
  EXPECT_FALSE(cache.Find("a"));
}

TEST(VerdictCacheTest, SizeStaysBoundedAndRecentlyUsedVerdictsSurvive) {
  VerdictCache cache(10);  // two generations of five
  cache.Offer(Verdict("hot", 0), cache.Epoch());
  for (int idx = 1; idx <= 100; ++idx) {
    cache.Offer(Verdict("cold" + std::to_string(idx), idx), cache.Epoch());
    ASSERT_TRUE(cache.Find("hot")) << "after " << idx << " inserts";
    EXPECT_LE(cache.Size(), 10u);
  }
  EXPECT_FALSE(cache.Find("cold1"));
  EXPECT_TRUE(cache.Find("cold100"));
}

TEST(VerdictCacheTest, OfferingAKeyAgainReplacesItsVerdict) {
  VerdictCache cache(4);
  cache.Offer(Verdict("k", 1, "Pending"), cache.Epoch());
  cache.Offer(Verdict("k", 1, "Auto-Resolved"), cache.Epoch());
  EXPECT_EQ(cache.Find("k")->record.status, "Auto-Resolved");
  EXPECT_EQ(cache.Size(), 1u);
}

}  // namespace
}  // namespace recon::service
