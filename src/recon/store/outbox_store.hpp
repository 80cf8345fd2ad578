#pragma once
// The durable e-mail outbox: a report is written here before any send attempt, and the sender drains what is due,
// recording each attempt, so a restart resumes and a mail is delivered at most once per Message-ID.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recon::store {

/// A report in the durable outbox: written before any send attempt, delivered at most once per Message-ID.
struct OutboxMail {
  std::int64_t id = 0;
  std::string message_id;  ///< stable across retries, so a receiving server can drop a duplicate
  std::string kind;        ///< "batch", "digest"
  std::string subject;
  std::string text;
  std::string html;
  std::string attachment_path;  ///< empty when none (or when it was too large: the text then names the path)
  std::string created_at;
  std::string state = "pending";  ///< pending | sent | failed (gave up after max attempts)
  int attempts = 0;
  std::string next_attempt_at;
  std::string last_error;
  std::string sent_at;
};

/// One delivery attempt of an outbox mail.
struct MailAttempt {
  std::string at;
  std::string error;  ///< empty when the attempt delivered the mail
};

/// The outbox table and its attempts.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  /// Adds a mail to the outbox (due at once); a message_id already there is not added twice. Returns its id.
  virtual std::int64_t EnqueueMail(const OutboxMail& mail) = 0;
  /// Pending mails due at `now` (ISO 8601 UTC), oldest first, at most `limit`.
  virtual std::vector<OutboxMail> DueMail(std::string_view now, std::size_t limit) = 0;
  /// Records an attempt: delivered (error empty) marks it sent; otherwise the next attempt time, or failed when
  /// `give_up`.
  virtual void RecordMailAttempt(std::int64_t id, std::string_view error, std::string_view next_attempt_at,
                                 bool give_up) = 0;
  /// Mails in `state` ("" = all), newest first.
  virtual std::vector<OutboxMail> ListMail(std::string_view state) = 0;
  /// The attempts of mail `id`, oldest first.
  virtual std::vector<MailAttempt> MailAttempts(std::int64_t id) = 0;
  /// Failed mails back to pending, due now; returns how many.
  virtual std::size_t RetryFailedMail(std::string_view now) = 0;
  /// Deletes sent mails (and failed ones too when `include_failed`) with their attempts; returns how many.
  virtual std::size_t PurgeMail(bool include_failed) = 0;
};

}  // namespace recon::store
