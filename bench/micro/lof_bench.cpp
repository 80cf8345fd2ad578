// Local Outlier Factor fit (which scores every row) on the ODDS sets, the work `recon eval --algo lof` times
// against scikit-learn; repeated runs give steadier figures than the one-shot end-to-end table.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "recon/models/lof/local_outlier_factor.hpp"

namespace {

// The ODDS CSVs: a header, numeric feature columns, the label last.
recon::features::FeatureMatrix LoadOdds(const std::string& name) {
  const char* dir = std::getenv("RECON_ODDS_DIR");
  const std::string path = std::string(dir != nullptr ? dir : RECON_DEFAULT_ODDS_DIR) + "/" + name + ".csv";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path + " (set RECON_ODDS_DIR)");
  std::string line;
  std::getline(in, line);
  const auto cols = static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
  recon::features::FeatureMatrix matrix(0, std::vector<std::string>(cols, "x"));
  std::vector<float> row(cols);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string field;
    for (float& value : row) {
      std::getline(fields, field, ',');
      value = std::stof(field);
    }
    matrix.AppendRow(row.data());
  }
  return matrix;
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
