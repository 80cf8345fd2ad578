#include "recon/core/random.hpp"

#include <gtest/gtest.h>

#include <set>

namespace recon {
namespace {

TEST(RandomTest, SameSeedSameStreamOnEveryPlatform) {
  Random a(42);
  Random b(42);
  for (int idx = 0; idx < 1000; ++idx) ASSERT_EQ(a.Next(), b.Next());
  // Known answer from an independent implementation of splitmix64 + xoshiro256++ (Vigna's reference code):
  // pins the generator, so a change that would silently alter every trained model is caught.
  Random c(1);
  EXPECT_EQ(c.Next(), 14971601782005023387uLL);
  EXPECT_EQ(c.Next(), 13781649495232077965uLL);
  EXPECT_EQ(c.Next(), 1847458086238483744uLL);
  EXPECT_NE(Random(1).Next(), Random(2).Next());
}

TEST(RandomTest, UniformAndBelowStayInRange) {
  Random random(7);
  std::set<std::uint64_t> seen;
  for (int idx = 0; idx < 10000; ++idx) {
    const double u = random.Uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const auto k = random.Below(10);
    ASSERT_LT(k, 10u);
    seen.insert(k);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(RandomTest, DerivedSeedsDiffer) {
  EXPECT_NE(DeriveSeed(42, 0), DeriveSeed(42, 1));
  EXPECT_NE(DeriveSeed(42, 0), DeriveSeed(43, 0));
  EXPECT_EQ(DeriveSeed(42, 5), DeriveSeed(42, 5));
}

}  // namespace
}  // namespace recon
