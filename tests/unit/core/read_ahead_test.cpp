#include "recon/core/read_ahead.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "recon/core/error.hpp"

namespace recon {
namespace {

ReadAhead<int>::Producer CountTo(int last, int fail_at = -1) {
  return [last, fail_at, next = 0](std::unique_ptr<int> reuse) mutable -> std::unique_ptr<int> {
    if (next > last) return nullptr;
    if (next == fail_at) ThrowUnavailable("disk went away at item " + std::to_string(next));
    if (!reuse) reuse = std::make_unique<int>();
    *reuse = next++;
    return reuse;
  };
}

TEST(ReadAheadTest, DeliversEveryItemInOrderWithAndWithoutThread) {
  for (const bool background : {false, true}) {
    ReadAhead<int> source(CountTo(999), background);
    int expected = 0;
    while (auto item = source.Next()) {
      ASSERT_EQ(*item, expected++);
      source.Recycle(std::move(item));
    }
    EXPECT_EQ(expected, 1000);
    EXPECT_EQ(source.Next(), nullptr);
  }
}

TEST(ReadAheadTest, ProducerFailureReachesTheConsumerAfterEarlierItems) {
  ReadAhead<int> source(CountTo(100, 5), true);
  for (int expected = 0; expected < 5; ++expected) ASSERT_EQ(*source.Next(), expected);
  EXPECT_THROW(source.Next(), Error);
}

TEST(ReadAheadTest, StopsCleanlyWhenAbandonedEarly) {
  ReadAhead<int> source(CountTo(1'000'000), true);
  EXPECT_EQ(*source.Next(), 0);
}

}  // namespace
}  // namespace recon
