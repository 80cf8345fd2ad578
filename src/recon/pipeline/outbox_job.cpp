#include "recon/pipeline/outbox_job.hpp"

#include <cstdio>

#include "recon/core/date.hpp"
#include "recon/core/error.hpp"
#include "recon/report/outbox_sender.hpp"
#include "recon/store/store.hpp"

namespace recon::pipeline {

std::string RunOutbox(const Config& config, const OutboxOptions& options, const Logger& logger) {
  auto store = store::OpenStore(config.store.url);
  if (options.action == "list") {
    std::string out;
    const auto mails = store->ListMail(options.state);
    for (const auto& mail : mails) {
      char line[512];
      std::snprintf(line, sizeof line, "#%lld %-7s attempts %d  created %s  %s\n    %s\n",
                    static_cast<long long>(mail.id), mail.state.c_str(), mail.attempts, mail.created_at.c_str(),
                    mail.state == "sent" ? ("sent " + mail.sent_at).c_str()
                                         : ("next attempt " + mail.next_attempt_at).c_str(),
                    mail.subject.substr(0, 200).c_str());
      out += line;
      if (!mail.last_error.empty() && mail.state != "sent") out += "    last error: " + mail.last_error + "\n";
    }
    if (mails.empty()) out = "outbox: no mails" + (options.state.empty() ? std::string() : " in state " + options.state) + "\n";
    return out;
  }
  if (options.action == "send") {
    if (!config.email.Configured()) return "outbox: email.smtp_host is not set; nothing sent\n";
    const auto result = report::DrainOutbox(*store, config.email, logger);
    std::string out = "outbox: " + std::to_string(result.sent) + " sent, " + std::to_string(result.retrying) +
                      " to retry later, " + std::to_string(result.gave_up) + " gave up\n";
    if (!result.last_error.empty()) out += "  last error: " + result.last_error + "\n";
    return out;
  }
  if (options.action == "retry") {
    return "outbox: " + std::to_string(store->RetryFailedMail(UtcNowIso8601())) + " failed mail(s) queued again\n";
  }
  if (options.action == "purge") {
    return "outbox: " + std::to_string(store->PurgeMail(options.include_failed)) + " mail(s) deleted\n";
  }
  ThrowInvalidInput("outbox action must be list, send, retry or purge, got '" + options.action + "'");
}

}  // namespace recon::pipeline
