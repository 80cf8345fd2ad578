// LOF fit and score on the product's own data: the model features of a reconciliation file (gen_recon_data.py),
// built as `recon train` builds them, every row in the training sample (as with detector.train_max_rows at least
// the file's rows), then the rows scored as `recon detect` scores them (distinct feature vectors once each).
// Prints the sample's distinct points after scaling (what the neighbour search sees) and, per repetition, the fit
// and score times, then their medians. bench/RESULTS.md, "LOF on a complexity budget (issue 18)".
// Usage: recon_lof_product_bench FILE.csv [REPEATS] [THREADS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "recon/core/parallel.hpp"
#include "recon/features/distinct_rows.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/models/lof/local_outlier_factor.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/pipeline/featured_batch.hpp"

namespace {

// The model features of every row of `path`, in file order, as `recon train` featurises them.
recon::features::FeatureMatrix ModelFeatures(const recon::pipeline::Config& config, const std::string& path) {
  recon::io::CsvReader reader(path, config.ingest);
  const recon::io::RecordDecoder decoder(reader.Header(), config.columns, path);
  recon::features::FeatureBuilder builder(config.features);
  std::vector<std::string> names;
  for (const std::size_t col_idx : builder.ModelColumns()) names.push_back(builder.Names()[col_idx]);
  recon::features::FeatureMatrix sample(0, names);
  recon::pipeline::FeaturedBatchSource source(reader, decoder, builder, recon::pipeline::kLearnFromAllRows);
  while (auto batch = source.Next()) {
    const recon::features::FeatureMatrix selected = batch->all_features.Select(builder.ModelColumns());
    source.Recycle(std::move(batch));
    for (std::size_t row_idx = 0; row_idx < selected.Rows(); ++row_idx) sample.AppendRow(selected.Row(row_idx));
  }
  return sample;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s FILE.csv [REPEATS] [THREADS]\n", argv[0]);
    return 2;
  }
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const unsigned threads = recon::ResolveThreadCount(argc > 3 ? std::atoi(argv[3]) : 0);
  const recon::pipeline::Config config;
  const recon::features::FeatureMatrix data = ModelFeatures(config, argv[1]);
  const recon::models::LofParams params = config.detector.lof;
  const recon::features::DistinctRows scored = recon::features::FindDistinctRows(data);
  const recon::models::Scaler scaler = recon::models::Scaler::Fit(data, params.scaling);
  const std::size_t fitted = recon::features::FindDistinctRows(scaler.Apply(data)).rows.Rows();
  std::printf("rows %zu, features %zu, distinct points fitted %zu, distinct rows scored %zu, threads %u\n",
              data.Rows(), data.Cols(), fitted, scored.rows.Rows(), threads);
  std::vector<double> fits;
  std::vector<double> scores;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    recon::models::LocalOutlierFactor lof(params);
    auto started = std::chrono::steady_clock::now();
    lof.Fit(data);
    fits.push_back(Seconds(started));
    started = std::chrono::steady_clock::now();
    const std::vector<double> values = lof.Score(scored.rows, threads);
    scores.push_back(Seconds(started));
    std::printf("repeat %d: fit %.4f s, score %.4f s (score[0] %.6f)\n", repeat, fits.back(), scores.back(),
                values.empty() ? 0.0 : values[0]);
  }
  std::printf("median: fit %.4f s, score %.4f s, fit + score %.4f s\n", Median(fits), Median(scores),
              Median(fits) + Median(scores));
  return 0;
}
