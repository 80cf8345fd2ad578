#pragma once
// Training in one streaming pass: rows are decoded and featurised in file order (so rolling and duplicate
// features see the same history as at detection), and a seeded reservoir sample (Vitter's Algorithm R) of at
// most detector.train_max_rows feature rows is kept. The detector, the threshold and KMeans are fitted on that
// sample, so memory stays bounded whatever the size of the training file.
#include <optional>
#include <string>

#include "recon/core/logger.hpp"
#include "recon/io/rejects_writer.hpp"
#include "recon/models/kmeans/silhouette.hpp"
#include "recon/models/model_bundle.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/pipeline/progress.hpp"
#include "recon/pipeline/stage_timer.hpp"

namespace recon::pipeline {

/// Counts from a training pass.
struct TrainingReport {
  std::uint64_t rows_read = 0;
  std::uint64_t rows_rejected = 0;
  std::uint64_t sample_rows = 0;
  double threshold = 0.0;
  double seconds = 0.0;
  std::size_t clusters = 0;                                ///< KMeans's k
  std::optional<models::ClusterCountChoice> cluster_choice;  ///< when clustering.auto_k_max chose k
};

/// "k = 5 (clustering.k)", or the silhouette of each k tried when k was chosen automatically.
std::string DescribeClusters(const TrainingReport& report);

/// Fits the detector, its threshold and the clusterer on `sample` (model features) and assembles a bundle around
/// `builder` (whose vocabularies are final); records k (and how it was chosen) in `report`. Throws InvalidInput
/// when the sample is too small.
models::ModelBundle FitBundle(const Config& config, std::unique_ptr<features::FeatureBuilder> builder,
                              const features::FeatureMatrix& sample, const std::string& source, std::uint64_t rows_seen,
                              TrainingReport& report);

/// Trains a bundle on the CSV at `input`. Rejected rows go to `rejects` when given. Throws InvalidInput when the
/// file lacks required columns or has too few valid rows.
models::ModelBundle TrainBundle(const Config& config, const std::string& input, const Logger& logger,
                                ProgressListener* progress, io::RejectsWriter* rejects, TrainingReport& report);

/// SHA-256 over a file's size and first MiB: cheap, and enough to tell which file a model or run came from.
std::string FingerprintFile(const std::string& path);

/// Fingerprint of a bundle (SHA-256 of its bytes), recorded with each run.
std::string FingerprintBundle(const models::ModelBundle& bundle);

}  // namespace recon::pipeline
