#include "recon/models/lof/candidate_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "recon/core/random.hpp"

namespace recon::models {
namespace {

// The candidate list: its bound always has `count` upper bounds within it (so it never drops a point that can
// rank), and tightening brings it to within 2^-bisections of the range above the count-th smallest.
TEST(CandidateListTest, TighteningKeepsEveryPointThatCanRankAndNarrowsTheBound) {
  Random random(5);
  CandidateList list;
  list.Reset();
  std::vector<float> uppers;
  std::vector<std::pair<float, std::uint32_t>> added;
  const std::size_t count = 21;
  for (std::uint32_t point = 0; point < 200; ++point) {
    const auto lower = static_cast<float>(random.Uniform(0.0, 100.0));
    const float upper = lower * 1.001F;
    if (!(lower <= list.Admit())) continue;  // as the searches admit
    list.Add(lower, upper, point);
    uppers.push_back(upper);
    added.emplace_back(lower, point);
    list.TightenEvery(count, count);
    std::vector<float> sorted = uppers;
    std::sort(sorted.begin(), sorted.end());
    if (sorted.size() >= count) {
      ASSERT_GE(list.Admit(), sorted[count - 1]);  // count points lie within it
    }
  }
  list.Tighten(count);
  std::vector<float> sorted = uppers;
  std::sort(sorted.begin(), sorted.end());
  const float kth = sorted[count - 1];
  EXPECT_GE(list.Admit(), kth);
  EXPECT_LE(list.Admit(), kth + 100.0F * 0x1.0p-14F);  // 16 halvings of a range of at most ~100
  // Every point added whose lower bound is within the final bound is still a candidate, and no other.
  std::set<std::uint32_t> kept;
  for (std::size_t idx = 0; idx < list.Size(); ++idx) {
    EXPECT_LE(list.Lower(idx), list.Admit());
    kept.insert(list.Position(idx));
  }
  for (const auto& [lower, point] : added) {
    if (lower <= list.Admit()) {
      EXPECT_TRUE(kept.count(point)) << "point " << point;
    }
  }
  EXPECT_GE(kept.size(), count);
  EXPECT_LT(kept.size(), count + 10);
}

TEST(CandidateListTest, FewerCandidatesThanCountLeaveTheBoundOpen) {
  CandidateList list;
  list.Reset();
  for (std::uint32_t point = 0; point < 5; ++point) list.Add(1.0F * static_cast<float>(point), 2.0F, point);
  list.Tighten(21);
  EXPECT_EQ(list.Admit(), std::numeric_limits<float>::max());
  EXPECT_EQ(list.Size(), 5u);
}

TEST(CandidateListTest, TheFinalTighteningRefinesACoarseOneEvenWithNothingNew) {
  // 30 candidates, tightened coarsely (8 halvings of [0, 20.63]: a grid of 0.08) once all are in, then finely.
  CandidateList list;
  list.Reset();
  const std::size_t count = 21;
  for (std::uint32_t point = 0; point < 30; ++point) {
    const float upper = 0.7F * static_cast<float>(point) + 0.33F;
    list.Add(upper, upper, point);
  }
  list.TightenEvery(count, 30);
  const float kth = 0.7F * 20.0F + 0.33F;
  EXPECT_GE(list.Admit(), kth);
  EXPECT_GT(list.Admit(), kth + 0.001F);  // the coarse grid point above the 21st
  list.Tighten(count);
  EXPECT_GE(list.Admit(), kth);
  EXPECT_LE(list.Admit(), kth + 0.001F);  // 16 halvings: within 0.0004
  EXPECT_EQ(list.Size(), count);
}

}  // namespace
}  // namespace recon::models
