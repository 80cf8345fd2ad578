#pragma once
// Fixed-partition parallel loop. Work is cut into the same blocks whatever the thread count, and every block
// writes only its own output range, so results are identical on 1 or N threads and whichever thread runs a block.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "recon/core/worker_thread.hpp"

namespace recon {

/// The thread count to use: `requested` if positive, else the machine's cores.
inline unsigned ResolveThreadCount(int requested) {
  if (requested > 0) return static_cast<unsigned>(requested);
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Calls `body(begin, end)` over [0, count) in blocks of `block` items on up to `threads` threads.
/// The first exception thrown by a block is rethrown on the caller's thread.
template <typename Body>
void ParallelFor(std::size_t count, std::size_t block, unsigned threads, Body&& body) {
  if (count == 0) return;
  block = std::max<std::size_t>(block, 1);
  const std::size_t blocks = (count + block - 1) / block;
  const auto workers = static_cast<unsigned>(std::min<std::size_t>(threads, blocks));
  if (workers <= 1) {
    for (std::size_t begin = 0; begin < count; begin += block) body(begin, std::min(count, begin + block));
    return;
  }
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::atomic<std::size_t> next_block{0};
  auto run = [&] {
    // Blocks are claimed one at a time, so a worker that starts late (the cores busy with pipeline stages) leaves
    // its share to the others instead of holding the caller up at the join. Which thread runs a block never
    // changes what the block writes.
    for (std::size_t block_idx = next_block++; block_idx < blocks; block_idx = next_block++) {
      const std::size_t begin = block_idx * block;
      try {
        body(begin, std::min(count, begin + block));
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next_block = blocks;  // the others stop at their next claim
        return;
      }
    }
  };
  {
    // Helpers on other cores than this one (core/worker_thread.hpp); joined at the end of the block.
    std::vector<std::unique_ptr<WorkerThread>> pool;
    pool.reserve(workers - 1);
    for (unsigned worker_idx = 1; worker_idx < workers; ++worker_idx) {
      pool.push_back(std::make_unique<WorkerThread>(run));
    }
    run();
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace recon
