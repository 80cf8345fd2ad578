#include "recon/models/kmeans/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/random.hpp"
#include "recon/models/kmeans/hamerly.hpp"
#include "recon/models/kmeans/kmeans_init.hpp"

namespace recon::models {
namespace {

constexpr std::uint32_t kKMeansTag = 0x4B4D4E53;  // "KMNS"
constexpr std::size_t kBlockRows = 4096;

}  // namespace

void KMeansParams::Validate() const {
  if (k < 1 || k > 1000) ThrowInvalidInput("clustering.k must be between 1 and 1000");
  if (n_init < 1 || n_init > 100) ThrowInvalidInput("clustering.n_init must be between 1 and 100");
  if (max_iter < 1 || max_iter > 10000) ThrowInvalidInput("clustering.max_iter must be between 1 and 10000");
  if (!(tolerance >= 0.0)) ThrowInvalidInput("clustering.tolerance must be >= 0");
}

KMeans::KMeans(KMeansParams params) : params_(params) { params_.Validate(); }

std::vector<double> KMeans::Standardised(const features::FeatureMatrix& data) const {
  std::vector<double> points(data.Rows() * dims_);
  for (std::size_t row_idx = 0; row_idx < data.Rows(); ++row_idx) {
    Standardise(data.Row(row_idx), &points[row_idx * dims_]);
  }
  return points;
}

void KMeans::Standardise(const float* row, double* out) const {
  for (std::size_t dim = 0; dim < dims_; ++dim) out[dim] = (static_cast<double>(row[dim]) - means_[dim]) / scales_[dim];
}

std::size_t KMeans::Nearest(const double* point, double* distance) const {
  std::size_t best = 0;
  double best_distance = std::numeric_limits<double>::max();
  for (std::size_t centre_idx = 0; centre_idx < ClusterCount(); ++centre_idx) {
    const double value = SquaredDistance(point, &centres_[centre_idx * dims_], dims_);
    if (value < best_distance) {
      best_distance = value;
      best = centre_idx;
    }
  }
  if (distance != nullptr) *distance = best_distance;
  return best;
}

void KMeans::Fit(const features::FeatureMatrix& data, unsigned threads) {
  const std::size_t rows = data.Rows();
  const auto k = static_cast<std::size_t>(params_.k);
  if (rows < k)
    ThrowInvalidInput("KMeans needs at least k = " + std::to_string(k) + " rows, got " + std::to_string(rows));
  dims_ = data.Cols();
  means_.assign(dims_, 0.0);
  scales_.assign(dims_, 1.0);
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
    for (std::size_t dim = 0; dim < dims_; ++dim) means_[dim] += data.At(row_idx, dim);
  }
  for (double& mean : means_) mean /= static_cast<double>(rows);
  std::vector<double> variances(dims_, 0.0);
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
    for (std::size_t dim = 0; dim < dims_; ++dim) {
      const double delta = data.At(row_idx, dim) - means_[dim];
      variances[dim] += delta * delta;
    }
  }
  for (std::size_t dim = 0; dim < dims_; ++dim) {
    const double deviation = std::sqrt(variances[dim] / static_cast<double>(rows));
    scales_[dim] = deviation > 0.0 ? deviation : 1.0;
  }
  std::vector<double> points(rows * dims_);
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) Standardise(data.Row(row_idx), &points[row_idx * dims_]);
  // Standardised columns have variance 1 (or 0 when constant), so the mean variance is the non-constant share.
  double mean_variance = 0.0;
  for (std::size_t dim = 0; dim < dims_; ++dim) mean_variance += variances[dim] > 0.0 ? 1.0 : 0.0;
  mean_variance /= static_cast<double>(dims_);
  const double shift_tolerance = params_.tolerance * mean_variance;

  // Restarts are independent and seeded by (seed, restart), so running them in parallel gives the same result
  // on any thread count; the lowest inertia wins, ties going to the earlier restart.
  const PointColumns columns = PointColumns::FromRows(points, rows, dims_);
  const SeedingColumns seeding_columns = SeedingColumns::FromRows(points, rows, dims_);
  std::vector<LloydResult> restarts(static_cast<std::size_t>(params_.n_init));
  ParallelFor(restarts.size(), 1, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t init_idx = begin; init_idx < end; ++init_idx) {
      Random random(DeriveSeed(params_.seed, init_idx));
      restarts[init_idx] = RunHamerly(points, columns, KMeansPlusPlus(points, seeding_columns, k, random), k,
                                      params_.max_iter, shift_tolerance);
    }
  });
  LloydResult best = std::move(restarts.front());
  for (std::size_t init_idx = 1; init_idx < restarts.size(); ++init_idx) {
    if (restarts[init_idx].inertia < best.inertia) best = std::move(restarts[init_idx]);
  }
  centres_ = std::move(best.centres);
  inertia_ = best.inertia;
}

std::vector<std::int32_t> KMeans::Assign(const features::FeatureMatrix& data, unsigned threads) const {
  if (centres_.empty()) ThrowInternal("KMeans used before it was fitted");
  if (data.Cols() != dims_)
    ThrowInvalidInput("KMeans was trained on " + std::to_string(dims_) + " features, got " +
                      std::to_string(data.Cols()));
  std::vector<std::int32_t> clusters(data.Rows(), 0);
  ParallelFor(data.Rows(), kBlockRows, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<double> point(dims_);
    for (std::size_t row_idx = begin; row_idx < end; ++row_idx) {
      Standardise(data.Row(row_idx), point.data());
      clusters[row_idx] = static_cast<std::int32_t>(Nearest(point.data(), nullptr));
    }
  });
  return clusters;
}

void KMeans::Save(BinaryWriter& writer) const {
  writer.WriteTag(kKMeansTag);
  writer.Write<std::int32_t>(params_.k);
  writer.Write<std::int32_t>(params_.n_init);
  writer.Write<std::int32_t>(params_.max_iter);
  writer.Write<double>(params_.tolerance);
  writer.Write<std::uint64_t>(params_.seed);
  writer.Write<std::uint64_t>(dims_);
  writer.WriteVector(means_);
  writer.WriteVector(scales_);
  writer.WriteVector(centres_);
  writer.Write<double>(inertia_);
}

KMeans KMeans::Load(BinaryReader& reader) {
  reader.ExpectTag(kKMeansTag, "kmeans");
  KMeansParams params;
  params.k = reader.Read<std::int32_t>("k");
  params.n_init = reader.Read<std::int32_t>("n_init");
  params.max_iter = reader.Read<std::int32_t>("max_iter");
  params.tolerance = reader.Read<double>("tolerance");
  params.seed = reader.Read<std::uint64_t>("seed");
  try {
    params.Validate();
  } catch (const Error& error) {
    ThrowCorrupt(std::string("model file holds invalid clustering settings: ") + error.what());
  }
  KMeans model(params);
  model.dims_ = reader.Read<std::uint64_t>("cluster dims");
  model.means_ = reader.ReadVector<double>("cluster means");
  model.scales_ = reader.ReadVector<double>("cluster scales");
  model.centres_ = reader.ReadVector<double>("cluster centres");
  model.inertia_ = reader.Read<double>("inertia");
  if (model.dims_ == 0 || model.means_.size() != model.dims_ || model.scales_.size() != model.dims_ ||
      model.centres_.size() != model.dims_ * static_cast<std::size_t>(params.k)) {
    ThrowCorrupt("model file holds inconsistent cluster centres");
  }
  for (const double scale : model.scales_) {
    if (!(scale > 0.0)) ThrowCorrupt("model file holds a non-positive cluster scale");
  }
  return model;
}

}  // namespace recon::models
