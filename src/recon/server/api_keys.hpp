#pragma once
// API keys for Bearer authentication, read once from the environment variable named in config (comma-separated).
// Required whenever the bind address is not loopback: the server refuses to start without them there.
#include <string>
#include <string_view>
#include <vector>

namespace recon::server {

class ApiKeys {
 public:
  /// Reads `env_name`; empty when unset.
  static ApiKeys FromEnvironment(const std::string& env_name);
  explicit ApiKeys(std::vector<std::string> keys = {}) : keys_(std::move(keys)) {}

  bool Enabled() const { return !keys_.empty(); }
  /// True when auth is off, or `authorization` is "Bearer <a configured key>". Constant time per key.
  bool Accepts(std::string_view authorization) const;
  /// Same, for a bare key (the WebSocket `api_key` query parameter, where browsers cannot set headers).
  bool AcceptsKey(std::string_view key) const;

 private:
  std::vector<std::string> keys_;
};

/// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& host);

}  // namespace recon::server
