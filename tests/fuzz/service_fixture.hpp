#pragma once
// The scoring service and API the HTTP and WebSocket targets talk to, built once per process in a fresh temporary
// folder: a model trained on the shipped 10k-row sample (2,000 sampled rows), a SQLite store, no LLM, no SMTP
// (reports stay in the outbox), warnings and errors logged to the folder. The store grows while fuzzing; the folder is
// removed at exit.
#include <filesystem>
#include <memory>
#include <string>

#include "recon/core/logger.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/server/api.hpp"
#include "recon/service/scoring_service.hpp"

namespace recon::fuzz {

class ServiceFixture {
 public:
  /// The process's fixture, built on first use (about a second: the model is trained then).
  static ServiceFixture& Get();

  /// The API key the fixture's Api accepts ("Authorization: Bearer fuzz-key"; seeds carry it).
  static constexpr const char* kApiKey = "fuzz-key";

  const pipeline::Config& Config() const { return config_; }
  server::Api& Api() { return *api_; }
  /// The last line of the log (an internal error's exception is logged there), for a finding's message.
  std::string LastLogLine() const;

 private:
  ServiceFixture();

  std::filesystem::path dir_;
  pipeline::Config config_;
  Logger logger_ = Logger::Null();  // replaced by the folder's log once the folder exists
  std::unique_ptr<service::ScoringService> service_;
  std::unique_ptr<server::Api> api_;
};

}  // namespace recon::fuzz
