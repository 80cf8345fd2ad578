// Local Outlier Factor fit (which scores every row) on the ODDS sets, the work `recon eval --algo lof` times
// against scikit-learn; repeated runs give steadier figures than the one-shot end-to-end table.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "recon/models/lof/local_outlier_factor.hpp"
#include "recon/pipeline/eval_job.hpp"

namespace {

// An ODDS set as `recon eval` reads it.
recon::features::FeatureMatrix LoadOdds(const std::string& name) {
  const char* dir = std::getenv("RECON_ODDS_DIR");
  const std::string path = std::string(dir != nullptr ? dir : RECON_DEFAULT_ODDS_DIR) + "/" + name + ".csv";
  return recon::pipeline::LoadLabelledMatrix(path, "label", {}).features;
}

void BM_LofFit(benchmark::State& state, const char* name) {
  const auto data = LoadOdds(name);
  for (auto _ : state) {
    recon::models::LocalOutlierFactor lof({20, recon::models::Scaling::kStandardise});
    lof.Fit(data);
    benchmark::DoNotOptimize(lof.TrainingScores(data, 0));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(data.Rows()) * state.iterations());
}
BENCHMARK_CAPTURE(BM_LofFit, annthyroid, "annthyroid")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LofFit, breastw, "breastw")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LofFit, cardio, "cardio")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LofFit, ionosphere, "ionosphere")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LofFit, mammography, "mammography")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LofFit, pendigits, "pendigits")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LofFit, satellite, "satellite")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LofFit, thyroid, "thyroid")->Unit(benchmark::kMillisecond);

}  // namespace
