#pragma once
// Drains the outbox: each due mail gets one attempt; a failure schedules the next with exponential backoff and
// jitter (email.backoff_*), and after email.max_attempts the mail is marked failed and kept. Every attempt is
// recorded. The mail is in the outbox before the first attempt, so a crash loses nothing, and its Message-ID never
// changes, so a crash between the server's acceptance and our record yields a duplicate the receiving server can
// recognise (the rare case no SMTP client can exclude).
#include <chrono>
#include <string>

#include "recon/core/logger.hpp"
#include "recon/report/email_params.hpp"
#include "recon/store/outbox_store.hpp"

namespace recon::report {

struct DrainResult {
  std::size_t sent = 0;
  std::size_t retrying = 0;  ///< failed this time, scheduled again
  std::size_t gave_up = 0;   ///< failed for the last allowed time
  std::string last_error;
};

/// Attempts every mail due at `now` once. With SMTP not configured, sends nothing (the mails stay pending).
DrainResult DrainOutbox(store::OutboxStore& store, const EmailParams& params, const Logger& logger,
                        std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

/// The SMTP password from the environment variable named in params ("" when unset).
std::string SmtpPassword(const EmailParams& params);

}  // namespace recon::report
