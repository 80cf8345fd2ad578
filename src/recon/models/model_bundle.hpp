#pragma once
// Everything `detect` needs, in one versioned file: the feature spec with its vocabularies, the detector, the
// clusterer, the decision threshold and where the model came from.
//
// File layout (little-endian):  "RECONMDL" | u32 format version | u32 0x01020304 endianness marker |
//                               u64 payload bytes | payload | SHA-256 of the payload (32 bytes).
// A file with another magic, version or byte order, a short payload or a bad checksum is refused with the reason;
// a version this build cannot read must get an explicit upgrade function here, never a silent reinterpretation.
#include <cstdint>
#include <memory>
#include <string>

#include "recon/features/feature_builder.hpp"
#include "recon/models/detector.hpp"
#include "recon/models/kmeans/kmeans.hpp"

namespace recon::models {

/// Where and how a bundle was trained.
struct TrainingMetadata {
  std::string source;            ///< training file
  std::string data_fingerprint;  ///< SHA-256 of the file's size and first MiB
  std::string created_at;        ///< UTC, ISO 8601
  std::string recon_version;
  std::uint64_t rows_seen = 0;    ///< valid rows in the training file
  std::uint64_t sample_rows = 0;  ///< rows the models were fitted on
  std::uint64_t seed = 0;
  double contamination = 0.0;  ///< share of training rows flagged by the threshold (0 when set explicitly)
};

struct ModelBundle {
  static constexpr std::uint32_t kFormatVersion = 1;

  std::unique_ptr<features::FeatureBuilder> features;
  std::unique_ptr<Detector> detector;
  std::unique_ptr<KMeans> clusterer;
  double threshold = 0.0;  ///< a score above this flags the row
  TrainingMetadata metadata;

  /// Writes the bundle atomically (temporary file, then rename). Throws Unavailable on I/O failure.
  void Save(const std::string& path) const;
  /// Reads and verifies a bundle. Throws NotFound, or Corrupt with the reason.
  static ModelBundle Load(const std::string& path);
  /// The serialised form (for tests: persist -> restore -> persist gives identical bytes).
  std::string Serialise() const;
  /// Parses a serialised bundle; `origin` names it in errors.
  static ModelBundle Deserialise(std::string_view bytes, const std::string& origin);
};

}  // namespace recon::models
