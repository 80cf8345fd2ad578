#include "recon/io/csv_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "recon/core/error.hpp"
#include "support/temp_dir.hpp"

namespace recon::io {
namespace {

struct ReadResult {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;
  std::vector<RowProblem> problems;
};

ReadResult ReadAll(const std::string& path, CsvReaderParams params = {}) {
  CsvReader reader(path, params);
  ReadResult result;
  RawBatch batch;
  while (reader.Next(batch)) {
    for (std::size_t row_idx = 0; row_idx < batch.RowCount(); ++row_idx) {
      std::vector<std::string> fields;
      for (std::size_t field_idx = 0; field_idx < batch.Row(row_idx).field_count; ++field_idx) {
        fields.emplace_back(batch.Field(row_idx, field_idx));
      }
      result.rows.push_back(fields);
      result.lines.push_back(batch.Row(row_idx).line);
      result.problems.push_back(batch.Row(row_idx).problem);
    }
  }
  return result;
}

TEST(CsvReaderTest, QuotedFieldsWithCommasQuotesAndNewlines) {
  testing::TempDir dir;
  const auto path = dir.Write("a.csv", "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"line1\nline2\",z\n3,,\n");
  const auto result = ReadAll(path);
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(result.rows[0], (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(result.rows[1], (std::vector<std::string>{"2", "line1\nline2", "z"}));
  EXPECT_EQ(result.rows[2], (std::vector<std::string>{"3", "", ""}));
  EXPECT_EQ(result.lines, (std::vector<std::uint64_t>{2, 3, 5}));
}

TEST(CsvReaderTest, BomCrlfAndBlankLines) {
  testing::TempDir dir;
  const auto path = dir.Write("a.csv", "\xEF\xBB\xBFid,name\r\n1,\"a\r\nb\"\r\n\r\n2,c\r\n");
  CsvReader reader(path, {});
  EXPECT_EQ(reader.Header(), (std::vector<std::string>{"id", "name"}));
  const auto result = ReadAll(path);
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0][1], "a\r\nb");  // inside quotes, bytes are kept as written
  EXPECT_EQ(result.rows[1], (std::vector<std::string>{"2", "c"}));
  EXPECT_EQ(result.lines[1], 5u);
}

TEST(CsvReaderTest, LastRowWithoutNewline) {
  testing::TempDir dir;
  const auto result = ReadAll(dir.Write("a.csv", "a,b\n1,2"));
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0], (std::vector<std::string>{"1", "2"}));
}

TEST(CsvReaderTest, RowsCrossingChunkAndBatchBoundariesAreIntact) {
  testing::TempDir dir;
  std::string text = "id,comment\n";
  for (int row = 0; row < 3000; ++row) {
    text += std::to_string(row) + ",\"c" + std::to_string(row) + ", with \"\"quotes\"\"\nand a newline\"\n";
  }
  CsvReaderParams params;
  params.read_chunk_bytes = 4096;
  params.batch_rows = 7;
  const auto result = ReadAll(dir.Write("a.csv", text), params);
  ASSERT_EQ(result.rows.size(), 3000u);
  for (int row = 0; row < 3000; ++row) {
    ASSERT_EQ(result.rows[row][0], std::to_string(row));
    ASSERT_EQ(result.rows[row][1], "c" + std::to_string(row) + ", with \"quotes\"\nand a newline");
    ASSERT_EQ(result.lines[row], static_cast<std::uint64_t>(2 + 2 * row));
  }
}

// Random well-formed files mixing plain lines (taken whole), quoted fields, CRLF, empty fields and blank lines,
// read with small chunks and batches: every row, field and line number equals what was written.
TEST(CsvReaderTest, RandomFilesReadBackExactlyAcrossChunkSizes) {
  std::mt19937_64 random(7);
  const std::string plain_alphabet = "abcXYZ0189 .-_";
  for (int file_idx = 0; file_idx < 20; ++file_idx) {
    std::string text = "a,b,c\n";
    std::vector<std::vector<std::string>> expected_rows;
    std::vector<std::uint64_t> expected_lines;
    std::uint64_t line = 2;
    for (int row_idx = 0; row_idx < 400; ++row_idx) {
      if (random() % 10 == 0) {  // a blank line, LF or CRLF
        text += random() % 2 ? "\n" : "\r\n";
        ++line;
      }
      std::vector<std::string> fields;
      std::uint64_t newlines_in_row = 0;
      for (int field_idx = 0; field_idx < 3; ++field_idx) {
        std::string value;
        const auto length = random() % (random() % 8 == 0 ? 60 : 8);
        const bool quoted = random() % 4 == 0;
        for (std::uint64_t idx = 0; idx < length; ++idx) {
          const auto pick = random() % 20;
          if (quoted && pick == 0) {
            value += '"';
          } else if (quoted && pick == 1) {
            value += ',';
          } else if (quoted && pick == 2) {
            value += '\n';
            ++newlines_in_row;
          } else {
            value += plain_alphabet[random() % plain_alphabet.size()];
          }
        }
        if (field_idx > 0) text += ',';
        if (quoted) {
          text += '"';
          for (const char c : value) text += c == '"' ? std::string("\"\"") : std::string(1, c);
          text += '"';
        } else {
          text += value;
        }
        fields.push_back(value);
      }
      text += random() % 3 == 0 ? "\r\n" : "\n";
      expected_rows.push_back(fields);
      expected_lines.push_back(line);
      line += 1 + newlines_in_row;
    }
    testing::TempDir dir;
    const std::string path = dir.Write("random.csv", text);
    for (const std::size_t chunk : {std::size_t{4096}, std::size_t{4 << 20}}) {
      CsvReaderParams params;
      params.read_chunk_bytes = chunk;
      params.batch_rows = 1 + random() % 50;
      const auto result = ReadAll(path, params);
      ASSERT_EQ(result.rows.size(), expected_rows.size()) << "file " << file_idx << ", chunk " << chunk;
      for (std::size_t row_idx = 0; row_idx < expected_rows.size(); ++row_idx) {
        ASSERT_EQ(result.rows[row_idx], expected_rows[row_idx])
            << "file " << file_idx << ", chunk " << chunk << ", row " << row_idx;
        ASSERT_EQ(result.lines[row_idx], expected_lines[row_idx])
            << "file " << file_idx << ", chunk " << chunk << ", row " << row_idx;
      }
    }
  }
}

TEST(CsvReaderTest, OversizedFieldRejectsOnlyItsRow) {
  testing::TempDir dir;
  const std::string huge(10 << 20, 'x');  // a 10 MB field
  const auto path = dir.Write("a.csv", "a,b\n1,ok\n2," + huge + "\n3,\"quoted " + huge + "\"\n4,fine\n");
  const auto result = ReadAll(path);
  ASSERT_EQ(result.rows.size(), 4u);
  EXPECT_EQ(result.problems[0], RowProblem::kNone);
  EXPECT_EQ(result.problems[1], RowProblem::kFieldTooLarge);
  EXPECT_EQ(result.problems[2], RowProblem::kFieldTooLarge);
  EXPECT_EQ(result.problems[3], RowProblem::kNone);
  EXPECT_EQ(result.rows[3], (std::vector<std::string>{"4", "fine"}));
  EXPECT_LE(result.rows[1][1].size(), CsvReaderParams{}.max_field_bytes);
}

TEST(CsvReaderTest, UnterminatedQuoteIsReportedAtItsStartLine) {
  testing::TempDir dir;
  const auto result = ReadAll(dir.Write("a.csv", "a,b\n1,ok\n2,\"never closed\n3,x\n"));
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.problems[1], RowProblem::kUnterminatedQuote);
  EXPECT_EQ(result.lines[1], 3u);
}

TEST(CsvReaderTest, FileErrorsAreClear) {
  testing::TempDir dir;
  try {
    CsvReader reader(dir.File("missing.csv"), {});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(error.what()).find("missing.csv"), std::string::npos);
  }
  try {
    CsvReader reader(dir.Write("empty.csv", ""), {});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("empty"), std::string::npos);
  }
  EXPECT_THROW(CsvReader(dir.Write("dup.csv", "a,a\n"), {}), Error);
  EXPECT_THROW(CsvReader(dir.Write("blank.csv", "a,,b\n"), {}), Error);
}

}  // namespace
}  // namespace recon::io

namespace recon::io {
namespace {

TEST(CsvReaderTest, RefusedFilesLeaveNoOpenDescriptor) {
  testing::TempDir dir;
  const auto path = dir.Write("empty.csv", "");
  auto open_descriptors = [] {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count;
  };
  const std::size_t before = open_descriptors();
  for (int attempt = 0; attempt < 50; ++attempt) EXPECT_THROW(CsvReader(path, {}), Error);
  EXPECT_EQ(open_descriptors(), before);
}

}  // namespace
}  // namespace recon::io
