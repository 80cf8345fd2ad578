#include "recon/report/email_params.hpp"

#include "recon/core/error.hpp"
#include "recon/categorise/category.hpp"

namespace recon::report {

bool IsValidAddress(const std::string& address) {
  const std::size_t at = address.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= address.size() || address.size() > 254) return false;
  if (address.find('@', at + 1) != std::string::npos) return false;
  for (const char character : address) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte <= 0x20 || byte == 0x7F || character == '<' || character == '>' || character == '"' ||
        character == ',' || character == ';' || character == '(' || character == ')' || character == '\\') {
      return false;
    }
  }
  return true;
}

void EmailParams::Validate() const {
  if (security != "starttls" && security != "tls" && security != "none") {
    ThrowInvalidInput("email.security must be starttls, tls or none, got '" + security + "'");
  }
  if (smtp_port < 1 || smtp_port > 65535) ThrowInvalidInput("email.smtp_port must be between 1 and 65535");
  if (!IsValidAddress(from)) ThrowInvalidInput("email.from is not a valid address: '" + from + "'");
  for (const auto* list : {&to, &cc}) {
    for (const std::string& address : *list) {
      if (!IsValidAddress(address)) {
        ThrowInvalidInput(std::string("email.") + (list == &to ? "to" : "cc") + " holds an invalid address: '" +
                          address + "'");
      }
    }
  }
  if (Configured() && to.empty()) ThrowInvalidInput("email.to must list at least one address when smtp_host is set");
  if (max_attempts < 1 || max_attempts > 100) ThrowInvalidInput("email.max_attempts must be between 1 and 100");
  if (backoff_initial_ms < 1 || backoff_max_ms < backoff_initial_ms) {
    ThrowInvalidInput("email.backoff_initial_ms must be >= 1 and <= email.backoff_max_ms");
  }
  if (timeout_ms < 100) ThrowInvalidInput("email.timeout_ms must be at least 100");
  if (!categorise::ParseSeverity(realtime_min_severity)) {
    ThrowInvalidInput("email.realtime_min_severity must be low, medium, high or critical");
  }
  if (digest_interval_ms < 1000) ThrowInvalidInput("email.digest_interval_ms must be at least 1000");
}

}  // namespace recon::report
