#pragma once
// A parallel loop's helper thread (core/parallel.hpp), started on another core than the thread that creates it.
//
// IMPLEMENTATION DECISIONS: Linux mostly places a new thread on its creator's core (measured on the 2-vCPU
// machine: 95% of 200 threads created while the creator computed), where it waits until the creator blocks or a
// load balance moves it: 300 us and more, the whole of a short loop (an LOF fit of 351 rows is 0.4 ms). Started
// with an affinity that leaves out the creator's core, it ran on the other one within 70 us on average (the time to
// wake an idle virtual CPU). Its first act is to widen its affinity back to what the process allows, so that the
// scheduler balances it freely from then on. Where the creator may run on one core only, or off Linux, it is a
// plain thread.
#include <functional>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#else
#include <thread>
#endif

namespace recon {

class WorkerThread {
 public:
  /// Starts `body` on a new thread; throws std::system_error when no thread can be started.
  explicit WorkerThread(std::function<void()> body);
  /// Joins the thread.
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

 private:
  std::function<void()> body_;
#if defined(__linux__)
  static void* Run(void* self);
  cpu_set_t allowed_;  // the creator's affinity, which the thread takes back once running
  pthread_t thread_;
#else
  std::thread thread_;
#endif
};

}  // namespace recon
