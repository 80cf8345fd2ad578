#include "recon/report/outbox_sender.hpp"

#include <algorithm>
#include <cstdlib>

#include "recon/core/date.hpp"
#include "recon/core/random.hpp"
#include "recon/report/smtp_sender.hpp"

namespace recon::report {

std::string SmtpPassword(const EmailParams& params) {
  const char* value = std::getenv(params.password_env.c_str());
  return value != nullptr ? value : "";
}

DrainResult DrainOutbox(store::OutboxStore& store, const EmailParams& params, const Logger& logger,
                        std::chrono::system_clock::time_point now) {
  DrainResult result;
  if (!params.Configured()) return result;
  const std::string password = SmtpPassword(params);
  for (const store::OutboxMail& mail : store.DueMail(UtcIso8601(now), 100)) {
    const std::string error = SendMail(mail, params, password);
    if (error.empty()) {
      store.RecordMailAttempt(mail.id, "", mail.next_attempt_at, false);
      ++result.sent;
      logger.Info("mail.sent", {{"outbox_id", mail.id}, {"message_id", mail.message_id}, {"attempt", mail.attempts + 1}});
      continue;
    }
    const int attempt = mail.attempts + 1;
    const bool give_up = attempt >= params.max_attempts;
    // Exponential backoff with jitter in [0.5, 1] of the step, from a seed fixed per mail and attempt.
    const double step = std::min<double>(params.backoff_max_ms,
                                         params.backoff_initial_ms * static_cast<double>(1ULL << std::min(attempt - 1, 30)));
    Random random(DeriveSeed(static_cast<std::uint64_t>(mail.id), static_cast<std::uint64_t>(attempt)));
    const auto delay = std::chrono::milliseconds(static_cast<long long>(random.Uniform(0.5, 1.0) * step));
    const auto next = std::chrono::ceil<std::chrono::seconds>(now + delay);
    store.RecordMailAttempt(mail.id, error, UtcIso8601(next), give_up);
    result.last_error = error;
    ++(give_up ? result.gave_up : result.retrying);
    logger.Warn("mail.failed", {{"outbox_id", mail.id}, {"attempt", attempt}, {"error", error}, {"gave_up", give_up}});
  }
  return result;
}

}  // namespace recon::report
