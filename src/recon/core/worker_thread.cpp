#include "recon/core/worker_thread.hpp"

#include <system_error>
#include <utility>

namespace recon {

#if defined(__linux__)

WorkerThread::WorkerThread(std::function<void()> body) : body_(std::move(body)) {
  pthread_attr_t attributes;
  if (const int error = pthread_attr_init(&attributes); error != 0) {
    throw std::system_error(error, std::generic_category(), "pthread_attr_init");
  }
  CPU_ZERO(&allowed_);
  const int creator_core = sched_getcpu();
  if (sched_getaffinity(0, sizeof allowed_, &allowed_) == 0 && creator_core >= 0 && CPU_COUNT(&allowed_) > 1 &&
      CPU_ISSET(creator_core, &allowed_)) {
    cpu_set_t elsewhere = allowed_;
    CPU_CLR(creator_core, &elsewhere);
    pthread_attr_setaffinity_np(&attributes, sizeof elsewhere, &elsewhere);  // a failure leaves it unplaced
  } else {
    CPU_ZERO(&allowed_);  // nothing to take back
  }
  int error = pthread_create(&thread_, &attributes, &WorkerThread::Run, this);
  pthread_attr_destroy(&attributes);
  if (error != 0 && CPU_COUNT(&allowed_) > 0) {
    // The placement refused (the process's cores changed under it, say): a thread anywhere is still a thread.
    CPU_ZERO(&allowed_);
    error = pthread_create(&thread_, nullptr, &WorkerThread::Run, this);
  }
  if (error != 0) throw std::system_error(error, std::generic_category(), "pthread_create");
}

WorkerThread::~WorkerThread() { pthread_join(thread_, nullptr); }

void* WorkerThread::Run(void* self) {
  auto* worker = static_cast<WorkerThread*>(self);
  if (CPU_COUNT(&worker->allowed_) > 0)
    pthread_setaffinity_np(pthread_self(), sizeof worker->allowed_, &worker->allowed_);
  worker->body_();
  return nullptr;
}

#else

WorkerThread::WorkerThread(std::function<void()> body) : body_(std::move(body)), thread_([this] { body_(); }) {}

WorkerThread::~WorkerThread() { thread_.join(); }

#endif

}  // namespace recon
