#pragma once
// Starts tests/tools/fake_llm_server.py on 127.0.0.1 (a free port) for the duration of a test, and steers it.
// The child is killed and reaped in the destructor, so a failing test never leaves a server behind.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "recon/llm/http_client.hpp"

extern char** environ;

namespace recon::testing {

class FakeLlmServer {
 public:
  FakeLlmServer() {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    const std::string script = std::string(RECON_SOURCE_DIR) + "/tests/tools/fake_llm_server.py";
    char* argv[] = {const_cast<char*>(RECON_PYTHON), const_cast<char*>(script.c_str()), nullptr};
    const int spawned = posix_spawn(&pid_, RECON_PYTHON, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    if (spawned != 0) throw std::runtime_error("could not start the fake LLM server");
    FILE* out = ::fdopen(out_pipe[0], "r");
    char line[64] = {};
    if (out == nullptr || std::fgets(line, sizeof line, out) == nullptr || std::sscanf(line, "PORT %d", &port_) != 1) {
      if (out != nullptr) std::fclose(out);
      throw std::runtime_error("the fake LLM server did not report its port");
    }
    std::fclose(out);
  }
  ~FakeLlmServer() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int waited_ms = 0; waited_ms < 2000; waited_ms += 10) {  // then SIGKILL: a test never hangs on a helper
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
      ::usleep(10000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  /// The base_url recon is configured with.
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  int Port() const { return port_; }

  /// POST /control (see the script's docstring).
  void Control(const nlohmann::json& settings) { Post("/control", settings); }
  /// The recorded requests.
  nlohmann::json Requests() { return Post("/requests", nlohmann::json::object())["requests"]; }
  /// The most requests that were in flight at once.
  int MaxInFlight() { return Post("/requests", nlohmann::json::object())["max_in_flight"].get<int>(); }
  void Reset() { Post("/reset", nlohmann::json::object()); }

 private:
  nlohmann::json Post(const std::string& path, const nlohmann::json& body) {
    const auto response =
        client_.PostJson("http://127.0.0.1:" + std::to_string(port_) + path, {}, body.dump(), 10000);
    if (response.status != 200) throw std::runtime_error("fake LLM server: " + path + " failed");
    return nlohmann::json::parse(response.body);
  }

  pid_t pid_ = 0;
  int port_ = 0;
  llm::HttpClient client_;
};

}  // namespace recon::testing
