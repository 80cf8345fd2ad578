// Isolation Forest fit and scoring throughput on 9 features (the default model feature count).
#include <benchmark/benchmark.h>

#include "recon/core/random.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"

namespace {

recon::features::FeatureMatrix RandomMatrix(std::size_t rows, std::size_t cols) {
  recon::features::FeatureMatrix matrix(0, std::vector<std::string>(cols, "x"));
  recon::Random random(1);
  std::vector<float> row(cols);
  for (std::size_t idx = 0; idx < rows; ++idx) {
    for (float& value : row) value = static_cast<float>(random.Uniform01());
    matrix.AppendRow(row.data());
  }
  return matrix;
}

void BM_IsolationForestScore(benchmark::State& state) {
  const auto data = RandomMatrix(static_cast<std::size_t>(state.range(0)), 9);
  recon::models::IsolationForest forest({100, 256, 42});
  forest.Fit(data);
  const auto threads = static_cast<unsigned>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(forest.Score(data, threads));
  state.SetItemsProcessed(state.range(0) * state.iterations());
}
BENCHMARK(BM_IsolationForestScore)->Args({100000, 1})->Args({100000, 2})->Unit(benchmark::kMillisecond);

void BM_IsolationForestFit(benchmark::State& state) {
  const auto data = RandomMatrix(200000, 9);
  for (auto _ : state) {
    recon::models::IsolationForest forest({100, 256, 42});
    forest.Fit(data);
    benchmark::DoNotOptimize(forest.Trees().size());
  }
}
BENCHMARK(BM_IsolationForestFit)->Unit(benchmark::kMillisecond);

}  // namespace
