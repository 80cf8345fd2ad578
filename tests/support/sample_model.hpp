#pragma once
// A model trained with the default configuration on the bundled data/recon_sample_10k.csv, saved in a folder of
// its own: what the service tests load (trained once per suite; a fit takes a fraction of a second).
#include <string>

#include "recon/core/logger.hpp"
#include "recon/pipeline/trainer.hpp"
#include "support/temp_dir.hpp"

namespace recon::testing {

class SampleModel {
 public:
  SampleModel() {
    pipeline::Config config;
    pipeline::TrainingReport report;
    const auto bundle = pipeline::TrainBundle(config, std::string(RECON_SOURCE_DIR) + "/data/recon_sample_10k.csv",
                                              Logger::Null(), nullptr, nullptr, report);
    bundle.Save(Path());
  }
  /// The model file.
  std::string Path() const { return dir_.File("recon.model"); }

 private:
  TempDir dir_;
};

}  // namespace recon::testing
