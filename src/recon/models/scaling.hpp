#pragma once
// Per-column scaling fitted on training data and applied to every row scored later. Distance-based detectors
// (LOF) need it: without it the column with the largest units decides every neighbourhood.
#include <string>
#include <vector>

#include "recon/core/binary_io.hpp"
#include "recon/features/feature_matrix.hpp"

namespace recon::models {

enum class Scaling {
  kNone,         ///< values as they are
  kStandardise,  ///< (x - mean) / standard deviation
  kRobust,       ///< (x - median) / interquartile range: insensitive to the outliers themselves
};

/// "none" | "standardise" | "robust"; throws InvalidInput naming `field` otherwise.
Scaling ParseScaling(const std::string& text, const std::string& field);
std::string ScalingName(Scaling scaling);

class Scaler {
 public:
  /// Learns centre and scale per column (a constant column gets scale 1).
  static Scaler Fit(const features::FeatureMatrix& data, Scaling scaling);
  /// Scaled copy of `data`.
  features::FeatureMatrix Apply(const features::FeatureMatrix& data) const;
  /// Scales one row of Cols() values into `out`.
  void ApplyRow(const float* row, float* out) const;
  Scaling Kind() const { return scaling_; }

  void Save(BinaryWriter& writer) const;
  static Scaler Load(BinaryReader& reader);

 private:
  Scaling scaling_ = Scaling::kNone;
  std::vector<double> centres_;
  std::vector<double> scales_;
};

}  // namespace recon::models
