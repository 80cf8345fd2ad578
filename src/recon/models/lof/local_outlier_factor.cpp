#include "recon/models/lof/local_outlier_factor.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/features/distinct_rows.hpp"

namespace recon::models {
namespace {

constexpr std::uint32_t kLofTag = 0x4C4F4620;        // "LOF ": Euclidean, written before the metric was a setting
constexpr std::uint32_t kLofMetricTag = 0x4C4F464D;  // "LOFM": the metric follows the tag
constexpr double kDensityEpsilon = 1e-10;            // scikit-learn's guard against zero reachability
constexpr std::size_t kBlockRows = 256;
// Density passes smaller than this are not worth a thread.
constexpr double kSerialBelowPairs = 1e6;

}  // namespace

void LofParams::Validate() const {
  if (n_neighbors < 1 || n_neighbors > 1000) ThrowInvalidInput("detector.lof.n_neighbors must be between 1 and 1000");
}

LocalOutlierFactor::LocalOutlierFactor(LofParams params) : params_(params) { params_.Validate(); }

LocalOutlierFactor::~LocalOutlierFactor() = default;

void LocalOutlierFactor::BuildIndex() { index_ = std::make_unique<KnnIndex>(reference_, params_.metric); }

LocalOutlierFactor::Neighbourhood LocalOutlierFactor::NeighbourhoodOf(const float* scaled_row,
                                                                      std::int64_t exclude) const {
  KnnScratch scratch;
  std::vector<Neighbour> found;
  Neighbourhood neighbourhood{std::vector<Neighbour>(k_), std::vector<std::uint32_t>(k_)};
  const std::size_t size =
      NeighbourhoodInto(scaled_row, exclude, scratch, found, neighbourhood.points.data(), neighbourhood.copies.data());
  neighbourhood.points.resize(size);
  neighbourhood.copies.resize(size);
  return neighbourhood;
}

std::size_t LocalOutlierFactor::NeighbourhoodInto(const float* scaled_row, std::int64_t exclude, KnnScratch& scratch,
                                                  std::vector<Neighbour>& found, Neighbour* points,
                                                  std::uint32_t* copies) const {
  // Ask for more distinct points until their copies cover k (usually the first ask does).
  std::size_t ask = std::min<std::size_t>(k_ + 1, reference_.Rows());
  while (true) {
    index_->Nearest(scaled_row, ask, scratch, found);
    const std::size_t size = TakeCopies(found, exclude, points, copies);
    if (size > 0) return size;
    if (ask == reference_.Rows()) ThrowInternal("LOF neighbourhood smaller than k");
    ask = std::min<std::size_t>(ask * 2, reference_.Rows());
  }
}

std::size_t LocalOutlierFactor::TakeCopies(std::span<const Neighbour> found, std::int64_t exclude, Neighbour* points,
                                           std::uint32_t* copies) const {
  std::size_t taken = 0;
  std::size_t entries = 0;
  for (const Neighbour& neighbour : found) {
    std::uint32_t available = counts_[neighbour.index];
    if (static_cast<std::int64_t>(neighbour.index) == exclude) --available;
    if (available == 0) continue;
    const auto taking = static_cast<std::uint32_t>(std::min<std::size_t>(available, k_ - taken));
    points[entries] = neighbour;
    copies[entries] = taking;
    ++entries;
    taken += taking;
    if (taken == k_) return entries;
  }
  return 0;
}

double LocalOutlierFactor::DensityOf(const Neighbour* points, const std::uint32_t* copies, std::size_t size) const {
  double reach_sum = 0.0;
  for (std::size_t slot = 0; slot < size; ++slot) {
    reach_sum += copies[slot] * std::max(k_distances_[points[slot].index], points[slot].distance);
  }
  return 1.0 / (reach_sum / static_cast<double>(k_) + kDensityEpsilon);
}

double LocalOutlierFactor::FactorFrom(const Neighbour* points, const std::uint32_t* copies, std::size_t size,
                                      double density) const {
  double density_sum = 0.0;
  for (std::size_t slot = 0; slot < size; ++slot) density_sum += copies[slot] * densities_[points[slot].index];
  return density_sum / static_cast<double>(k_) / density;
}

void LocalOutlierFactor::Fit(const features::FeatureMatrix& data) {
  if (data.Rows() < 2) ThrowInvalidInput("LOF needs at least 2 training rows, got " + std::to_string(data.Rows()));
  scaler_ = Scaler::Fit(data, params_.scaling);
  features::DistinctRows distinct = features::FindDistinctRows(scaler_.Apply(data));
  reference_ = std::move(distinct.rows);
  counts_.assign(reference_.Rows(), 0);
  for (const std::uint32_t point : distinct.index_of) ++counts_[point];
  k_ = std::min<std::size_t>(static_cast<std::size_t>(params_.n_neighbors), data.Rows() - 1);
  BuildIndex();

  const std::size_t points = reference_.Rows();
  // Every point's neighbourhood in k slots (it never has more entries than its k copies), at its place in the
  // search's order (knn_index.hpp): flat arrays, no allocation per point, written and read in order. Left
  // uninitialised: every slot read is written first, by the search's threads.
  const auto hood_points = std::make_unique_for_overwrite<Neighbour[]>(points * k_);
  const auto hood_copies = std::make_unique_for_overwrite<std::uint32_t[]>(points * k_);
  std::vector<std::uint32_t> hood_sizes(points, 0);
  std::vector<std::uint32_t> point_at(points, 0);
  k_distances_.assign(points, 0.0);
  densities_.clear();
  unsigned threads = ResolveThreadCount(0);
  // Every point's k + 1 nearest distinct points, itself among them: k others, each with at least one copy, always
  // cover the k copies its neighbourhood needs (a query per point covers the rest, should any fall short).
  const std::size_t ask = std::min<std::size_t>(k_ + 1, points);
  // Each list becomes the point's neighbourhood as the search hands it over, on the search's threads: no list is
  // stored (rows x (k + 1) entries, megabytes to fault in on large sets), no second pass.
  index_->AllNeighbours(ask, threads, [&](std::uint32_t point, std::uint32_t place, std::span<Neighbour> list) {
    const auto exclude = static_cast<std::int64_t>(point);
    Neighbour* slots = &hood_points[place * k_];
    std::uint32_t* copies = &hood_copies[place * k_];
    point_at[place] = point;
    std::size_t size = TakeCopies(list, exclude, slots, copies);
    if (size == 0) {  // rare: the list's copies fall short of k
      KnnScratch scratch;
      std::vector<Neighbour> found;
      size = NeighbourhoodInto(reference_.Row(point), exclude, scratch, found, slots, copies);
    }
    hood_sizes[place] = static_cast<std::uint32_t>(size);
    k_distances_[point] = slots[size - 1].distance;
  });
  if (static_cast<double>(points) * static_cast<double>(k_) < kSerialBelowPairs) threads = 1;
  // Densities need every k-distance, and factors every density: two more passes.
  std::vector<double> densities(points, 0.0);
  ParallelFor(points, kBlockRows, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t place = begin; place < end; ++place) {
      densities[point_at[place]] = DensityOf(&hood_points[place * k_], &hood_copies[place * k_], hood_sizes[place]);
    }
  });
  densities_ = std::move(densities);
  std::vector<double> factors(points, 0.0);
  ParallelFor(points, kBlockRows, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t place = begin; place < end; ++place) {
      const std::uint32_t point = point_at[place];
      factors[point] =
          FactorFrom(&hood_points[place * k_], &hood_copies[place * k_], hood_sizes[place], densities_[point]);
    }
  });
  training_scores_ = features::ScatterToRows(factors, distinct);
}

double LocalOutlierFactor::ScoreScaled(const float* scaled_row, KnnScratch& scratch, std::vector<Neighbour>& found,
                                       Neighbourhood& neighbourhood) const {
  const std::size_t size =
      NeighbourhoodInto(scaled_row, -1, scratch, found, neighbourhood.points.data(), neighbourhood.copies.data());
  const Neighbour* points = neighbourhood.points.data();
  const std::uint32_t* copies = neighbourhood.copies.data();
  return FactorFrom(points, copies, size, DensityOf(points, copies, size));
}

std::vector<double> LocalOutlierFactor::Score(const features::FeatureMatrix& data, unsigned threads) const {
  if (!index_) ThrowInternal("LOF scored before it was fitted");
  if (data.Cols() != reference_.Cols()) {
    ThrowInvalidInput("LOF was trained on " + std::to_string(reference_.Cols()) + " features, got " +
                      std::to_string(data.Cols()));
  }
  std::vector<double> scores(data.Rows());
  ParallelFor(data.Rows(), kBlockRows, threads, [&](std::size_t begin, std::size_t end) {
    std::vector<float> scaled(data.Cols());
    KnnScratch scratch;
    std::vector<Neighbour> found;
    Neighbourhood neighbourhood{std::vector<Neighbour>(k_), std::vector<std::uint32_t>(k_)};
    for (std::size_t row_idx = begin; row_idx < end; ++row_idx) {
      scaler_.ApplyRow(data.Row(row_idx), scaled.data());
      scores[row_idx] = ScoreScaled(scaled.data(), scratch, found, neighbourhood);
    }
  });
  return scores;
}

std::vector<double> LocalOutlierFactor::TrainingScores(const features::FeatureMatrix& data,
                                                       unsigned /*threads*/) const {
  if (training_scores_.size() != data.Rows()) ThrowInternal("LOF training scores asked for rows it was not fitted on");
  return training_scores_;
}

std::vector<FeatureContribution> LocalOutlierFactor::Explain(const float* row) const {
  // Per feature, how far the row sits from the mean of its neighbours, in scaled units.
  const std::size_t cols = reference_.Cols();
  std::vector<float> scaled(cols);
  scaler_.ApplyRow(row, scaled.data());
  const Neighbourhood neighbourhood = NeighbourhoodOf(scaled.data(), -1);
  std::vector<double> deviation(cols, 0.0);
  for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) {
    double mean = 0.0;
    for (std::size_t slot = 0; slot < neighbourhood.points.size(); ++slot) {
      mean +=
          neighbourhood.copies[slot] * static_cast<double>(reference_.At(neighbourhood.points[slot].index, col_idx));
    }
    mean /= static_cast<double>(k_);
    deviation[col_idx] = std::fabs(static_cast<double>(scaled[col_idx]) - mean);
  }
  return ContributionsFromCredit(deviation);
}

void LocalOutlierFactor::Save(BinaryWriter& writer) const {
  writer.WriteTag(kLofMetricTag);
  writer.Write<std::uint32_t>(static_cast<std::uint32_t>(params_.metric));
  writer.Write<std::int32_t>(params_.n_neighbors);
  writer.Write<std::uint64_t>(k_);
  scaler_.Save(writer);
  writer.Write<std::uint64_t>(reference_.Rows());
  writer.Write<std::uint64_t>(reference_.Cols());
  const std::vector<float> values(reference_.Data(), reference_.Data() + reference_.Rows() * reference_.Cols());
  writer.WriteVector(values);
  writer.WriteVector(counts_);
  writer.WriteVector(k_distances_);
  writer.WriteVector(densities_);
}

std::unique_ptr<LocalOutlierFactor> LocalOutlierFactor::Load(BinaryReader& reader) {
  LofParams params;
  const auto tag = reader.Read<std::uint32_t>("lof");
  if (tag == kLofMetricTag) {
    const auto metric = reader.Read<std::uint32_t>("lof metric");
    if (metric > static_cast<std::uint32_t>(Metric::kManhattan)) ThrowCorrupt("model file holds an unknown LOF metric");
    params.metric = static_cast<Metric>(metric);
  } else if (tag != kLofTag) {
    ThrowCorrupt("model file section 'lof' is malformed");
  }
  params.n_neighbors = reader.Read<std::int32_t>("n_neighbors");
  try {
    params.Validate();
  } catch (const Error& error) {
    ThrowCorrupt(std::string("model file holds invalid LOF settings: ") + error.what());
  }
  const auto k = reader.Read<std::uint64_t>("k");
  Scaler scaler = Scaler::Load(reader);
  params.scaling = scaler.Kind();
  auto lof = std::make_unique<LocalOutlierFactor>(params);
  lof->k_ = k;
  lof->scaler_ = std::move(scaler);
  const auto rows = reader.Read<std::uint64_t>("reference rows");
  const auto cols = reader.Read<std::uint64_t>("reference columns");
  const auto values = reader.ReadVector<float>("reference points");
  lof->counts_ = reader.ReadVector<std::uint32_t>("reference multiplicities");
  lof->k_distances_ = reader.ReadVector<double>("k-distances");
  lof->densities_ = reader.ReadVector<double>("densities");
  std::uint64_t copies = 0;
  for (const std::uint32_t count : lof->counts_) copies += count;
  if (cols == 0 || cols > 4096 || values.size() != rows * cols || lof->k_distances_.size() != rows ||
      lof->densities_.size() != rows || lof->counts_.size() != rows || k == 0 || k >= copies) {
    ThrowCorrupt("model file holds an inconsistent LOF reference set");
  }
  lof->reference_ = features::FeatureMatrix(0, std::vector<std::string>(cols, "x"));
  for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) lof->reference_.AppendRow(values.data() + row_idx * cols);
  lof->BuildIndex();
  return lof;
}

}  // namespace recon::models
