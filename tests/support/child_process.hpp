#pragma once
// Runs a helper (a fake server) as a child process for a test, reads the "PORT <n>" line it prints when ready, and
// kills and reaps it in the destructor.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace recon::testing {

/// Starts `argv` (argv[0] a path) with the environment `env` and its standard output on a pipe; sets `pid` and
/// returns the pipe's read end. Throws when the process cannot be started.
inline FILE* SpawnReadingStdout(std::vector<std::string> argv, char** env, pid_t& pid) {
  int out_pipe[2];
  if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  if (spawned != 0) {
    ::close(out_pipe[0]);
    throw std::runtime_error("could not start " + argv[0]);
  }
  return ::fdopen(out_pipe[0], "r");
}

class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv) {
    FILE* out = SpawnReadingStdout(argv, environ, pid_);
    char line[128] = {};
    const bool ready = out != nullptr && std::fgets(line, sizeof line, out) != nullptr &&
                       std::sscanf(line, "PORT %d", &port_) == 1;
    if (out != nullptr) std::fclose(out);
    if (!ready) {
      Stop();
      throw std::runtime_error(argv[1] + " did not report its port");
    }
  }
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int Port() const { return port_; }
  /// SIGTERM, then SIGKILL if the child has not exited within two seconds: a test never hangs on a helper.
  void Stop() {
    if (pid_ == 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int waited_ms = 0; waited_ms < 2000; waited_ms += 10) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      ::usleep(10000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace recon::testing
