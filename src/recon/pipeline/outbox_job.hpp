#pragma once
// `recon outbox list | send | retry | purge`: look after the e-mail outbox in the store.
#include <string>

#include "recon/core/logger.hpp"
#include "recon/pipeline/config.hpp"

namespace recon::pipeline {

struct OutboxOptions {
  std::string action;  ///< list | send | retry | purge
  std::string state;   ///< list: pending | sent | failed | "" (all)
  bool include_failed = false;  ///< purge: failed mails too, not only sent ones
};

/// Runs the action; returns what to print.
std::string RunOutbox(const Config& config, const OutboxOptions& options, const Logger& logger);

}  // namespace recon::pipeline
