#include "recon/io/csv_writer.hpp"

#include "recon/core/error.hpp"

namespace recon::io {
namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

}  // namespace

bool LooksNumeric(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
  bool digits = false;
  bool dot = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!digits) return false;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
    const std::size_t exponent_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == exponent_start) return false;
  }
  return pos == text.size();
}

void AppendCsvField(std::string& out, std::string_view field, bool formula_safe) {
  bool needs_guard = false;
  if (formula_safe && !field.empty()) {
    const char first = field.front();
    needs_guard = (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') &&
                  !LooksNumeric(field);
  }
  const bool needs_quotes = field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!needs_quotes && !needs_guard) {
    out.append(field);
    return;
  }
  if (needs_quotes) out.push_back('"');
  if (needs_guard) out.push_back('\'');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (needs_quotes) out.push_back('"');
}

CsvWriter::CsvWriter(const std::string& path, bool formula_safe) : file_(path), formula_safe_(formula_safe) {
  buffer_.reserve(kFlushBytes + 4096);
}

CsvWriter::~CsvWriter() = default;  // without Close, file_ discards its temporary file

void CsvWriter::Field(std::string_view value) {
  if (row_open_) buffer_.push_back(',');
  row_open_ = true;
  AppendCsvField(buffer_, value, formula_safe_);
}

void CsvWriter::EndRow() {
  buffer_.push_back('\n');
  row_open_ = false;
  if (buffer_.size() >= kFlushBytes) FlushBuffer();
}

void CsvWriter::Row(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) Field(field);
  EndRow();
}

void CsvWriter::FlushBuffer() {
  if (buffer_.empty() || closed_) return;
  try {
    file_.Write(buffer_);
  } catch (...) {
    buffer_.clear();
    throw;
  }
  buffer_.clear();
}

void CsvWriter::Close() {
  if (closed_) return;
  FlushBuffer();
  closed_ = true;
  file_.Commit();
}

}  // namespace recon::io
