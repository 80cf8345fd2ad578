#include "fuzz/service_fixture.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace recon::fuzz {
namespace {

std::filesystem::path& FolderToRemove() {
  static std::filesystem::path folder;
  return folder;
}

void RemoveFolder() {
  std::error_code ignored;
  if (!FolderToRemove().empty()) std::filesystem::remove_all(FolderToRemove(), ignored);
}

}  // namespace

ServiceFixture& ServiceFixture::Get() {
  // Never destroyed: libFuzzer leaves through exit() from any thread, and the service's threads and store must not
  // be torn down under a run that is still going. Only the folder is removed at exit.
  static ServiceFixture* const fixture = new ServiceFixture();
  return *fixture;
}

ServiceFixture::ServiceFixture() {
  std::string pattern = (std::filesystem::temp_directory_path() / "recon-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("fuzz: cannot create a temporary folder");
  dir_ = pattern;
  FolderToRemove() = dir_;
  std::atexit(RemoveFolder);

  config_.threads = 1;
  config_.store.url = "sqlite:" + (dir_ / "recon.db").string();
  config_.paths.model = (dir_ / "recon.model").string();
  config_.paths.output = (dir_ / "anomalies.csv").string();
  config_.logging.dir = (dir_ / "log").string();
  config_.logging.level = "warn";
  config_.detector.train_max_rows = 2000;
  config_.clustering.train_max_rows = 2000;
  config_.server.train_data = RECON_SOURCE_DIR "/data/recon_sample_10k.csv";
  config_.Validate();
  logger_ = Logger::Open(config_.logging);
  service_ = std::make_unique<service::ScoringService>(config_, logger_, /*use_llm=*/false);
  if (!service_->Ready()) throw std::runtime_error("fuzz: the service is degraded: " + service_->DegradedReason());
  api_ = std::make_unique<server::Api>(*service_, config_, server::ApiKeys({kApiKey}), logger_);
}

std::string ServiceFixture::LastLogLine() const {
  logger_.Flush();
  std::ifstream log(std::filesystem::path(config_.logging.dir) / "recon.log");
  std::string line;
  std::string last;
  while (std::getline(log, line)) last = line;
  return last;
}

}  // namespace recon::fuzz
