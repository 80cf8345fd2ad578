#include "recon/core/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "recon/core/error.hpp"

namespace recon {
namespace {

TEST(ParallelTest, CoversEveryItemOnceOnAnyThreadCount) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    std::vector<int> hits(1001, 0);
    ParallelFor(hits.size(), 64, threads, [&](std::size_t begin, std::size_t end) {
      for (std::size_t idx = begin; idx < end; ++idx) ++hits[idx];
    });
    for (const int hit : hits) ASSERT_EQ(hit, 1);
  }
}

TEST(ParallelTest, RethrowsTheFailureOnTheCaller) {
  EXPECT_THROW(ParallelFor(100, 10, 4,
                           [](std::size_t begin, std::size_t) {
                             if (begin == 50) ThrowInvalidInput("block 50 failed");
                           }),
               Error);
}

}  // namespace
}  // namespace recon
