// Ingest tests as data (after DuckDB's sqllogictest files): each tests/data/ingest/NAME.csv has NAME.expected with
//   rows: N                  valid rows decoded
//   reject: LINE KIND [COLUMN] one line per rejected row, in order
//   error: TEXT              the file is refused as a whole with a message containing TEXT
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "recon/core/error.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"

namespace recon::io {
namespace {

struct Outcome {
  std::string text;  // canonical form, compared as a whole for a readable diff
};

std::string RunCase(const std::string& path) {
  std::ostringstream out;
  try {
    CsvReaderParams params;
    params.batch_rows = 3;
    params.max_field_bytes = 4096;
    CsvReader reader(path, params);
    RecordDecoder decoder(reader.Header(), ColumnMapping(), path);
    RawBatch raw;
    RecordBatch records;
    std::vector<RowError> errors;
    std::size_t rows = 0;
    while (reader.Next(raw)) {
      decoder.Decode(raw, records, errors);
      rows += records.RowCount();
    }
    out << "rows: " << rows << "\n";
    for (const RowError& error : errors) {
      out << "reject: " << error.line << " " << RowErrorKindName(error.kind);
      if (!error.column.empty()) out << " " << error.column;
      out << "\n";
    }
  } catch (const Error& error) {
    out << "error: " << error.what() << "\n";
  }
  return out.str();
}

TEST(IngestCasesTest, EveryCaseMatchesItsExpectation) {
  const std::filesystem::path folder = std::filesystem::path(RECON_TEST_DATA_DIR) / "ingest";
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".csv") continue;
    ++cases;
    std::filesystem::path expected_path = entry.path();
    expected_path.replace_extension(".expected");
    std::ifstream expected_file(expected_path);
    ASSERT_TRUE(expected_file) << "missing " << expected_path;
    std::ostringstream expected;
    expected << expected_file.rdbuf();
    const std::string actual = RunCase(entry.path().string());
    if (expected.str().rfind("error: ", 0) == 0) {
      const std::string wanted = expected.str().substr(7, expected.str().find('\n') - 7);
      EXPECT_EQ(actual.rfind("error: ", 0), 0u) << entry.path() << "\n" << actual;
      EXPECT_NE(actual.find(wanted), std::string::npos)
          << entry.path() << "\nwanted: " << wanted << "\ngot: " << actual;
    } else {
      EXPECT_EQ(actual, expected.str()) << entry.path();
    }
  }
  EXPECT_GE(cases, 10);
}

}  // namespace
}  // namespace recon::io
