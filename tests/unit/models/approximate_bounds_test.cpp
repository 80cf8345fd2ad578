#include "recon/models/lof/approximate_bounds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "recon/core/random.hpp"
#include "recon/models/lof/candidate_list.hpp"

namespace recon::models {
namespace {

// Centred points column by column with their norms, as the blocked search lays them out, and a group of queries
// prepared for a kernel: the property under test is that every bound is a lower bound on the exact distance
// (computed here in double precision from the same single-precision coordinates) and close to it.
struct KernelCase {
  Metric metric;
  std::size_t dims;
  std::size_t stride = kBlockPoints;
  std::vector<float> columns;
  std::vector<float> norms;
  std::vector<float> queries;      // kGroupQueries x dims
  std::vector<float> coordinates;  // dims x kGroupQueries, as the kernel takes them
  float starts[kGroupQueries];
  float query_norms[kGroupQueries];

  KernelCase(Metric chosen_metric, std::size_t chosen_dims, std::uint64_t seed)
      : metric(chosen_metric), dims(chosen_dims) {
    Random random(seed);
    columns.resize(dims * stride);
    norms.resize(stride);
    for (std::size_t point = 0; point < stride; ++point) {
      const double spread = point % 13 == 0 ? 300.0 : 2.0;  // some large norms, which widen the error bound
      double norm = 0.0;
      for (std::size_t dim = 0; dim < dims; ++dim) {
        const auto value = static_cast<float>(random.Uniform(-1.0, 1.0) * spread);
        columns[dim * stride + point] = value;
        norm += metric == Metric::kManhattan ? std::fabs(value) : static_cast<double>(value) * value;
      }
      norms[point] = static_cast<float>(norm);
    }
    const float relative = RelativeRoundingBound(dims);
    queries.resize(kGroupQueries * dims);
    coordinates.resize(dims * kGroupQueries);
    for (std::size_t query = 0; query < kGroupQueries; ++query) {
      double norm = 0.0;
      for (std::size_t dim = 0; dim < dims; ++dim) {
        // Queries on top of a point (distance near zero) as well as between points.
        const float value = query == 0 ? columns[dim * stride + 5] : static_cast<float>(random.Uniform(-2.0, 2.0));
        queries[query * dims + dim] = value;
        coordinates[dim * kGroupQueries + query] = metric == Metric::kManhattan ? value : -2.0F * value;
        norm += metric == Metric::kManhattan ? std::fabs(value) : static_cast<double>(value) * value;
      }
      query_norms[query] = static_cast<float>(norm);
      starts[query] =
          metric == Metric::kManhattan ? -query_norms[query] * relative : query_norms[query] * (1.0F - relative);
    }
  }

  GroupBoundsInput Input() const {
    GroupBoundsInput input;
    input.columns = columns.data();
    input.stride = stride;
    input.dims = dims;
    input.norms = norms.data();
    input.metric = metric;
    input.coordinates = coordinates.data();
    input.starts = starts;
    input.relative = RelativeRoundingBound(dims);
    return input;
  }

  double Exact(std::size_t query, std::size_t point) const {
    double sum = 0.0;
    for (std::size_t dim = 0; dim < dims; ++dim) {
      const double delta = static_cast<double>(columns[dim * stride + point]) - queries[query * dims + dim];
      sum += metric == Metric::kManhattan ? std::fabs(delta) : delta * delta;
    }
    return sum;
  }
};

void ExpectValidBounds(GroupBoundsKernel kernel, const KernelCase& data) {
  // Admit about half the points of each query, so that both bit values occur.
  float admits[kGroupQueries];
  for (std::size_t query = 0; query < kGroupQueries; ++query) admits[query] = static_cast<float>(data.Exact(query, 7));
  std::vector<float> out(kGroupQueries * kBlockPoints);
  std::uint64_t masks[kGroupQueries];
  kernel(data.Input(), 0, admits, out.data(), masks);
  const double relative = RelativeRoundingBound(data.dims);
  for (std::size_t query = 0; query < kGroupQueries; ++query) {
    for (std::size_t point = 0; point < kBlockPoints; ++point) {
      const double exact = data.Exact(query, point);
      const double bound = out[query * kBlockPoints + point];
      const double slack = 3.0 * relative * (data.query_norms[query] + data.norms[point]);
      ASSERT_LE(bound, exact) << "query " << query << " point " << point;
      ASSERT_GE(bound, exact - slack) << "query " << query << " point " << point;
      ASSERT_LE(UpperBound(static_cast<float>(bound), static_cast<float>(relative), data.query_norms[query],
                           data.norms[point]),
                exact + slack);
      ASSERT_GE(UpperBound(static_cast<float>(bound), static_cast<float>(relative), data.query_norms[query],
                           data.norms[point]),
                exact);
      ASSERT_EQ((masks[query] >> point & 1U) == 1U, bound <= admits[query]) << "query " << query << " point " << point;
    }
  }
}

TEST(ApproximateBoundsTest, BothKernelsGiveLowerBoundsWithinTheErrorBound) {
  for (const Metric metric : {Metric::kEuclidean, Metric::kManhattan}) {
    for (const std::size_t dims : {1U, 6U, 21U, 33U, 64U}) {
      SCOPED_TRACE(MetricName(metric) + ", " + std::to_string(dims) + " dims");
      const KernelCase data(metric, dims, 17 + dims);
      ExpectValidBounds(PortableGroupBoundsKernel(), data);
      ExpectValidBounds(SelectGroupBoundsKernel(), data);  // AVX2 where the processor has it
    }
  }
}

TEST(ApproximateBoundsTest, AtLeastIsTheSmallestFloatNotBelow) {
  for (const double value : {1.0, 0.1, 1.0 / 3.0, 12345.678901234, 0.0}) {
    const float rounded = AtLeast(value);
    EXPECT_GE(static_cast<double>(rounded), value);
    EXPECT_LT(static_cast<double>(std::nextafter(rounded, -1.0F)), value == 0.0 ? 1e-300 : value);
  }
  EXPECT_EQ(AtLeast(1e300), std::numeric_limits<float>::max());
}

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
    if (lower <= list.Admit()) EXPECT_TRUE(kept.count(point)) << "point " << point;
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

}  // namespace
}  // namespace recon::models
