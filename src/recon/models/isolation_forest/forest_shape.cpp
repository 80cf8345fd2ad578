#include "recon/models/isolation_forest/forest_shape.hpp"

#include <algorithm>

#include "recon/core/error.hpp"
#include "recon/models/isolation_forest/path_length.hpp"

namespace recon::models {

ForestShape ShapeForFit(const IsolationForestParams& params, const features::FeatureMatrix& data,
                        const std::string& forest) {
  if (data.Rows() < 2) {
    ThrowInvalidInput(forest + " needs at least 2 training rows, got " + std::to_string(data.Rows()));
  }
  ForestShape shape;
  shape.feature_count = data.Cols();
  shape.sample_size = std::min<std::uint64_t>(static_cast<std::uint64_t>(params.max_samples), data.Rows());
  shape.normaliser = AveragePathLength(shape.sample_size);
  return shape;
}

void WriteForestHeader(BinaryWriter& writer, std::uint32_t tag, const IsolationForestParams& params,
                       const ForestShape& shape) {
  writer.WriteTag(tag);
  writer.Write<std::int32_t>(params.n_estimators);
  writer.Write<std::int32_t>(params.max_samples);
  writer.Write<std::uint64_t>(params.seed);
  writer.Write<std::uint64_t>(shape.feature_count);
  writer.Write<std::uint64_t>(shape.sample_size);
}

void ReadForestHeader(BinaryReader& reader, std::uint32_t tag, const char* what, IsolationForestParams& params,
                      ForestShape& shape) {
  reader.ExpectTag(tag, what);
  params.n_estimators = reader.Read<std::int32_t>("tree count");
  params.max_samples = reader.Read<std::int32_t>("max_samples");
  params.seed = reader.Read<std::uint64_t>("seed");
  try {
    params.Validate();
  } catch (const Error& error) {
    ThrowCorrupt(std::string("model file holds invalid forest settings: ") + error.what());
  }
  shape.feature_count = reader.Read<std::uint64_t>("feature count");
  shape.sample_size = reader.Read<std::uint64_t>("sample size");
  if (shape.feature_count == 0 || shape.feature_count > 4096 || shape.sample_size < 2 ||
      shape.sample_size > static_cast<std::uint64_t>(params.max_samples)) {
    ThrowCorrupt("model file holds an implausible forest shape");
  }
  shape.normaliser = AveragePathLength(shape.sample_size);
}

}  // namespace recon::models
