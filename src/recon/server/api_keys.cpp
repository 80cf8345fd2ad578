#include "recon/server/api_keys.hpp"

#include <cctype>
#include <cstdlib>

namespace recon::server {
namespace {

// Compares without an early exit, so response time does not reveal how much of a key matched.
bool SameSecret(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t idx = 0; idx < expected.size(); ++idx) {
    const char other = idx < given.size() ? given[idx] : '\0';
    difference |= static_cast<unsigned char>(other ^ expected[idx]);
  }
  return difference == 0;
}

}  // namespace

ApiKeys ApiKeys::FromEnvironment(const std::string& env_name) {
  std::vector<std::string> keys;
  const char* value = std::getenv(env_name.c_str());
  if (value == nullptr) return ApiKeys(keys);
  std::string_view rest(value);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view key = rest.substr(0, comma);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    if (!key.empty()) keys.emplace_back(key);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ApiKeys(std::move(keys));
}

bool ApiKeys::AcceptsKey(std::string_view key) const {
  if (keys_.empty()) return true;
  bool accepted = false;
  for (const std::string& expected : keys_) accepted |= SameSecret(key, expected);
  return accepted;
}

bool ApiKeys::Accepts(std::string_view authorization) const {
  if (keys_.empty()) return true;
  // RFC 7235: the scheme name is case-insensitive ("bearer", "BEARER"); one or more spaces follow it.
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size()) return false;
  for (std::size_t idx = 0; idx < kScheme.size(); ++idx) {
    if (std::tolower(static_cast<unsigned char>(authorization[idx])) != kScheme[idx]) return false;
  }
  std::string_view key = authorization.substr(kScheme.size());
  if (key.front() != ' ') return false;
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  return AcceptsKey(key);
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace recon::server
