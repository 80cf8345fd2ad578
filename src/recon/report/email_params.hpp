#pragma once
// Settings of e-mail reports (config section `email:`). With no smtp_host (the default) reports are written to
// the outbox and stay there; nothing fails and the run says so.
#include <string>
#include <vector>

namespace recon::report {

struct EmailParams {
  std::string smtp_host;                       ///< "" = not configured: reports stay in the outbox
  int smtp_port = 587;
  std::string security = "starttls";           ///< starttls (required) | tls (implicit, port 465) | none (local relays)
  std::string username;
  std::string password_env = "RECON_SMTP_PASSWORD";  ///< environment variable with the password (never logged)
  std::string ca_file;                         ///< extra CA bundle (e.g. a company CA); "" = system store
  std::string from = "recon@localhost";
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::size_t max_attachment_bytes = 10 << 20;  ///< a larger CSV is not attached; the mail names its path
  int timeout_ms = 30000;
  int max_attempts = 8;            ///< then the mail is marked failed (recon outbox retry puts it back)
  int backoff_initial_ms = 30000;  ///< doubles per attempt, with jitter
  int backoff_max_ms = 3600000;
  std::string realtime_min_severity = "high";  ///< service anomalies at least this severe go into the digest
  int digest_interval_ms = 300000;             ///< a burst of real-time anomalies sends one digest per interval
  std::size_t top_anomalies = 10;              ///< rows of the "top anomalies" table in each report

  bool Configured() const { return !smtp_host.empty(); }
  /// Throws InvalidInput naming the key (bad security mode, invalid address, ...).
  void Validate() const;
};

/// Whether `address` is a plain addr-spec (local@domain, no spaces, quotes, angle brackets or control characters).
bool IsValidAddress(const std::string& address);

}  // namespace recon::report
