// Fits recon's KMeans on a numeric CSV (every column a feature) and prints inertia and fit time, for
// bench/e2e/kmeans_vs_sklearn.py. Usage: recon_kmeans_tool FILE.csv K N_INIT SEED THREADS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/models/kmeans/kmeans.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s FILE.csv K N_INIT SEED THREADS\n", argv[0]);
    return 2;
  }
  recon::io::CsvReader reader(argv[1], {});
  recon::features::FeatureMatrix data(0, reader.Header());
  std::vector<float> row(reader.Header().size());
  recon::io::RawBatch raw;
  while (reader.Next(raw)) {
    for (std::size_t row_idx = 0; row_idx < raw.RowCount(); ++row_idx) {
      for (std::size_t col = 0; col < row.size(); ++col)
        row[col] = static_cast<float>(*recon::io::ParseNumber(raw.Field(row_idx, col)));
      data.AppendRow(row.data());
    }
  }
  recon::models::KMeansParams params;
  params.k = std::atoi(argv[2]);
  params.n_init = std::atoi(argv[3]);
  params.seed = std::strtoull(argv[4], nullptr, 10);
  recon::models::KMeans kmeans(params);
  const auto started = std::chrono::steady_clock::now();
  kmeans.Fit(data, static_cast<unsigned>(std::atoi(argv[5])));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("inertia %.6f seconds %.4f\n", kmeans.Inertia(), seconds);
  return 0;
}
