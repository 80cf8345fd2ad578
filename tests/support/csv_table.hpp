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
      for (std::size_t field = 0; field < batch.Row(row).field_count; ++field)
        fields.emplace_back(batch.Field(row, field));
      table.rows.push_back(std::move(fields));
    }
  }
  return table;
}

}  // namespace recon::testing
