#pragma once
// A pid that surely names no process, for run-liveness tests: a child that has exited and been reaped.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

namespace recon::testing {

inline std::int64_t DeadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

}  // namespace recon::testing
