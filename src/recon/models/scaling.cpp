#include "recon/models/scaling.hpp"

#include <algorithm>
#include <cmath>

#include "recon/core/error.hpp"
#include "recon/core/vector_clones.hpp"
#include "recon/models/metrics.hpp"

namespace recon::models {

Scaling ParseScaling(const std::string& text, const std::string& field) {
  if (text == "none") return Scaling::kNone;
  if (text == "standardise" || text == "standardize") return Scaling::kStandardise;
  if (text == "robust") return Scaling::kRobust;
  ThrowInvalidInput(field + " must be none, standardise or robust (got '" + text + "')");
}

std::string ScalingName(Scaling scaling) {
  switch (scaling) {
    case Scaling::kNone: return "none";
    case Scaling::kStandardise: return "standardise";
    case Scaling::kRobust: return "robust";
  }
  return "none";
}

Scaler Scaler::Fit(const features::FeatureMatrix& data, Scaling scaling) {
  Scaler scaler;
  scaler.scaling_ = scaling;
  const std::size_t cols = data.Cols();
  scaler.centres_.assign(cols, 0.0);
  scaler.scales_.assign(cols, 1.0);
  if (scaling == Scaling::kNone || data.Rows() == 0) return scaler;
  const std::size_t rows = data.Rows();
  if (scaling == Scaling::kStandardise) {
    // Row by row, every column's sums side by side (a pass per column strode across the rows); each column's sum
    // still adds its rows in order, so the result is the same to the bit.
    std::vector<double> sums(cols, 0.0);
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
      const float* row = data.Row(row_idx);
      for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) sums[col_idx] += row[col_idx];
    }
    for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) {
      scaler.centres_[col_idx] = sums[col_idx] / static_cast<double>(rows);
    }
    std::vector<double> squares(cols, 0.0);
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
      const float* row = data.Row(row_idx);
      for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) {
        const double offset = row[col_idx] - scaler.centres_[col_idx];
        squares[col_idx] += offset * offset;
      }
    }
    for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) {
      const double scale = std::sqrt(squares[col_idx] / static_cast<double>(rows));
      scaler.scales_[col_idx] = scale > 0.0 ? scale : 1.0;
    }
    return scaler;
  }
  std::vector<double> column(rows);
  for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) {
    for (std::size_t row_idx = 0; row_idx < data.Rows(); ++row_idx) column[row_idx] = data.At(row_idx, col_idx);
    std::sort(column.begin(), column.end());
    const double centre = QuantileOfSorted(column, 0.5);
    const double scale = QuantileOfSorted(column, 0.75) - QuantileOfSorted(column, 0.25);
    scaler.centres_[col_idx] = centre;
    scaler.scales_[col_idx] = scale > 0.0 ? scale : 1.0;
  }
  return scaler;
}

namespace {

// (value - centre) / scale for `rows` rows of `cols` values, compiled for AVX2 too (core/vector_clones.hpp): a
// division rounds the same at any vector width (four at a time: ionosphere's LOF fit 1-3% faster).
RECON_VECTOR_CLONES void ScaleValues(const float* values, std::size_t rows, std::size_t cols, const double* centres,
                                     const double* scales, float* out) {
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
    for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) {
      const std::size_t at = row_idx * cols + col_idx;
      out[at] = static_cast<float>((static_cast<double>(values[at]) - centres[col_idx]) / scales[col_idx]);
    }
  }
}

}  // namespace

void Scaler::ApplyRow(const float* row, float* out) const {
  ScaleValues(row, 1, centres_.size(), centres_.data(), scales_.data(), out);
}

features::FeatureMatrix Scaler::Apply(const features::FeatureMatrix& data) const {
  features::FeatureMatrix scaled(data.Rows(), data.Names());
  if (data.Rows() > 0) {
    ScaleValues(data.Data(), data.Rows(), data.Cols(), centres_.data(), scales_.data(), scaled.Row(0));
  }
  return scaled;
}

void Scaler::Save(BinaryWriter& writer) const {
  writer.Write<std::int32_t>(static_cast<std::int32_t>(scaling_));
  writer.WriteVector(centres_);
  writer.WriteVector(scales_);
}

Scaler Scaler::Load(BinaryReader& reader) {
  Scaler scaler;
  const auto kind = reader.Read<std::int32_t>("scaling");
  if (kind < 0 || kind > 2) ThrowCorrupt("model file holds an unknown scaling");
  scaler.scaling_ = static_cast<Scaling>(kind);
  scaler.centres_ = reader.ReadVector<double>("scaling centres");
  scaler.scales_ = reader.ReadVector<double>("scaling scales");
  if (scaler.centres_.size() != scaler.scales_.size()) ThrowCorrupt("model file holds inconsistent scaling");
  for (const double scale : scaler.scales_) {
    if (!(scale > 0.0) || !std::isfinite(scale)) ThrowCorrupt("model file holds a non-positive scale");
  }
  return scaler;
}

}  // namespace recon::models
