#pragma once
// Starts tests/tools/fake_llm_server.py on 127.0.0.1 (a free port) for the duration of a test, and steers it.
// The child is stopped by ChildProcess, so a failing test never leaves a server behind.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "recon/llm/http_client.hpp"
#include "support/child_process.hpp"

namespace recon::testing {

class FakeLlmServer {
 public:
  FakeLlmServer()
      : process_({RECON_PYTHON, std::string(RECON_SOURCE_DIR) + "/tests/tools/fake_llm_server.py"}),
        port_(process_.Port()) {}

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

  ChildProcess process_;
  int port_ = 0;
  llm::HttpClient client_;
};

}  // namespace recon::testing
