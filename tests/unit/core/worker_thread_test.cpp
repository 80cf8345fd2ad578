#include "recon/core/worker_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace recon {
namespace {

#if defined(__linux__)
TEST(WorkerThreadTest, StartsOnAnotherCoreThenTakesBackTheWholeAffinity) {
  cpu_set_t allowed;
  ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  if (CPU_COUNT(&allowed) < 2) GTEST_SKIP() << "one core allowed: nowhere else to start";
  int elsewhere = 0;
  constexpr int kThreads = 20;
  for (int attempt = 0; attempt < kThreads; ++attempt) {
    std::atomic<int> worker_core{-1};
    cpu_set_t worker_allowed;
    CPU_ZERO(&worker_allowed);
    // The other cores idle for a while first, as between one fit's loops and the next: that is when Linux put the
    // new thread on its creator's core (a core that had just run a thread was taken as it was).
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const int creator_core = sched_getcpu();
    {
      WorkerThread worker([&] {
        worker_core = sched_getcpu();
        sched_getaffinity(0, sizeof worker_allowed, &worker_allowed);
      });
      // Busy meanwhile, as a parallel loop's caller is: a thread queued behind it would wait for the whole loop.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(300);
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    EXPECT_TRUE(CPU_EQUAL(&worker_allowed, &allowed)) << "the worker kept the narrowed affinity";
    elsewhere += worker_core != creator_core ? 1 : 0;
  }
  // Started elsewhere every time here (the creator may itself move between cores now and then).
  EXPECT_GE(elsewhere, kThreads * 3 / 4);
}
#endif

TEST(WorkerThreadTest, RunsItsBodyOnceAndJoinsOnDestruction) {
  std::atomic<int> runs{0};
  {
    WorkerThread worker([&] { ++runs; });
  }
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
}  // namespace recon
