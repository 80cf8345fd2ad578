#include "recon/features/recent_keys.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "recon/core/random.hpp"

namespace recon::features {
namespace {

TEST(RecentKeysTest, MatchesABruteForceWindow) {
  for (std::size_t window : {1u, 3u, 64u, 1000u}) {
    RecentKeys keys(window);
    std::deque<std::uint64_t> oracle;
    Random random(window);
    for (int step = 0; step < 20000; ++step) {
      const std::uint64_t key = random.Below(window * 2 + 5);  // includes 0, which must work too
      const bool expected = std::find(oracle.begin(), oracle.end(), key) != oracle.end();
      ASSERT_EQ(keys.SeenThenAdd(key), expected) << "window " << window << " step " << step;
      oracle.push_back(key);
      if (oracle.size() > window) oracle.pop_front();
    }
  }
}

}  // namespace
}  // namespace recon::features
