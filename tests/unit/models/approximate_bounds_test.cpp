#include "recon/models/lof/approximate_bounds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "recon/core/random.hpp"

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

TEST(ApproximateBoundsTest, BothWithinKernelsGatherThePositionsWithinTheLimitInOrder) {
  Random random(7);
  std::vector<float> values(520);
  for (std::size_t idx = 0; idx < values.size(); ++idx) values[idx] = static_cast<float>(random.Uniform(-5.0, 5.0));
  values[3] = std::numeric_limits<float>::quiet_NaN();  // never within
  values[9] = std::numeric_limits<float>::infinity();
  values[10] = -std::numeric_limits<float>::infinity();
  values[17] = 1.25F;  // exactly at the limit: within
  for (const std::size_t size : {8U, 64U, 520U}) {
    for (const float limit : {1.25F, -10.0F, 10.0F, std::numeric_limits<float>::max()}) {
      std::vector<std::uint32_t> expected;
      for (std::size_t idx = 0; idx < size; ++idx) {
        if (values[idx] <= limit) expected.push_back(static_cast<std::uint32_t>(idx));
      }
      for (const WithinKernel kernel : {PortableWithinKernel(), SelectWithinKernel()}) {
        std::vector<std::uint32_t> positions(size + 8, 12345U);
        const std::size_t found = kernel(values.data(), size, limit, positions.data());
        positions.resize(found);
        EXPECT_EQ(positions, expected) << size << " values, limit " << limit;
      }
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

}  // namespace
}  // namespace recon::models
