#pragma once
// Reads a whole (small) CSV into memory through recon's own reader, for assertions on outputs.
#include <map>
#include <string>
#include <vector>

#include "recon/io/csv_reader.hpp"

namespace recon::testing {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t Column(const std::string& name) const {
    for (std::size_t idx = 0; idx < header.size(); ++idx) {
      if (header[idx] == name) return idx;
    }
    return header.size();
  }
};

inline CsvTable ReadCsvTable(const std::string& path) {
  io::CsvReaderParams params;
  params.max_field_bytes = 64 << 20;
  io::CsvReader reader(path, params);
  CsvTable table;
  table.header = reader.Header();
  io::RawBatch batch;
  while (reader.Next(batch)) {
    for (std::size_t row = 0; row < batch.RowCount(); ++row) {
      std::vector<std::string> fields;
      for (std::size_t field = 0; field < batch.Row(row).field_count; ++field) fields.emplace_back(batch.Field(row, field));
      table.rows.push_back(std::move(fields));
    }
  }
  return table;
}

/// ROC-AUC of `scores` against 0/1 `labels` (Mann-Whitney U with average ranks for ties).
inline double RocAuc(const std::vector<double>& scores, const std::vector<int>& labels) {
  std::vector<std::size_t> order(scores.size());
  for (std::size_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0.0;
  double positives = 0.0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t idx = start; idx < end; ++idx) {
      if (labels[order[idx]] == 1) {
        positive_rank_sum += average_rank;
        positives += 1.0;
      }
    }
    start = end;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  return (positive_rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives);
}

}  // namespace recon::testing
