#pragma once
// The real `recon serve` binary as a child process for a test: started through /bin/sh (so a test can set a
// `ulimit` first), its port read from the "listening on" line it prints, its CPU time read from /proc, and killed
// and reaped in the destructor.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace recon::testing {

class ServeProcess {
 public:
  /// Runs `recon serve --config=<config_path>`, after the shell commands `prelude` (e.g. "ulimit -n 256").
  explicit ServeProcess(const std::string& config_path, const std::string& prelude = "true",
                        const std::vector<std::string>& environment = {}) {
    // RECON_TEST_BINARY runs the tests against another build (e.g. an older one, to see them fail there).
    const char* binary = std::getenv("RECON_TEST_BINARY");
    std::vector<std::string> env_strings;
    for (char** entry = environ; *entry != nullptr; ++entry) env_strings.emplace_back(*entry);
    for (const std::string& entry : environment) env_strings.push_back(entry);
    std::vector<char*> env;
    for (std::string& entry : env_strings) env.push_back(entry.data());
    env.push_back(nullptr);
    out_ = SpawnReadingStdout({"/bin/sh", "-c", prelude + " && exec \"$0\" serve --config=\"$1\"",
                               binary != nullptr ? binary : RECON_BINARY, config_path},
                              env.data(), pid_);
    char line[512] = {};
    unsigned port = 0;
    while (out_ != nullptr && std::fgets(line, sizeof line, out_) != nullptr) {
      if (std::sscanf(line, "recon serve: listening on http://127.0.0.1:%u", &port) == 1) break;
    }
    if (port == 0) {
      Kill(SIGKILL);
      throw std::runtime_error("recon serve did not report its port");
    }
    port_ = static_cast<unsigned short>(port);
  }
  ~ServeProcess() {
    Kill(SIGKILL);
    if (out_ != nullptr) std::fclose(out_);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  unsigned short Port() const { return port_; }
  pid_t Pid() const { return pid_; }

  /// True while the process has not exited.
  bool Alive() {
    if (pid_ == 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      exit_status_ = status;
      return false;
    }
    return true;
  }
  /// How it ended (waitpid status), once Alive() has returned false.
  int ExitStatus() const { return exit_status_; }

  /// User + system CPU seconds the process has used so far.
  double CpuSeconds() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) "
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    for (int index = 3; fields >> field; ++index) {  // field 3 is the state
      if (index == 14) utime = std::stoull(field);
      if (index == 15) {
        stime = std::stoull(field);
        break;
      }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

  /// How many file descriptors the process holds.
  std::size_t OpenDescriptors() const {
    std::error_code error;
    std::size_t count = 0;
    for (std::filesystem::directory_iterator entry("/proc/" + std::to_string(pid_) + "/fd", error), end;
         !error && entry != end; entry.increment(error)) {
      ++count;
    }
    return count;
  }

  void Kill(int signal_number) {
    if (pid_ == 0) return;
    ::kill(pid_, signal_number);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_status_ = status;
    pid_ = 0;
  }

 private:
  pid_t pid_ = 0;
  unsigned short port_ = 0;
  int exit_status_ = 0;
  FILE* out_ = nullptr;
};

}  // namespace recon::testing
