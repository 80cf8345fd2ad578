#include "recon/io/csv_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "recon/core/error.hpp"

namespace recon::io {
namespace {

// The chunk buffer has this much slack after the data, so the scanner and the copier may read 16 bytes at a
// time past the last byte read from the file (what they see there is ignored).
constexpr std::size_t kChunkSlack = 64;

// Position of the first delimiter, LF or CR in [pos, len), or len: 16 bytes per step with SSE2 (the x86-64
// baseline), byte by byte elsewhere.
std::size_t FindUnquotedStop(const char* data, std::size_t pos, std::size_t len) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i line_feed = _mm_set1_epi8('\n');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  for (; pos < len; pos += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    const __m128i stops = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, comma), _mm_cmpeq_epi8(bytes, line_feed)),
                                       _mm_cmpeq_epi8(bytes, carriage_return));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stops));
    if (mask != 0) return std::min(len, pos + static_cast<std::size_t>(__builtin_ctz(mask)));
  }
  return len;
#else
  while (pos < len && data[pos] != ',' && data[pos] != '\n' && data[pos] != '\r') ++pos;
  return pos;
#endif
}

// A batch flushes early past this many bytes so that 32-bit field offsets can never overflow.
constexpr std::size_t kMaxBatchBytes = 1u << 30;

}  // namespace

void CsvReaderParams::Validate() const {
  if (batch_rows < 1 || batch_rows > 1'000'000) ThrowInvalidInput("ingest.batch_rows must be between 1 and 1000000");
  if (read_chunk_bytes < 4096 || read_chunk_bytes > (1u << 30)) {
    ThrowInvalidInput("ingest.read_chunk_bytes must be between 4096 and 1073741824");
  }
  if (max_field_bytes < 16 || max_field_bytes > (64u << 20)) {
    ThrowInvalidInput("ingest.max_field_bytes must be between 16 and 67108864");
  }
}

CsvReader::CsvReader(const std::string& path, const CsvReaderParams& params) : path_(path), params_(params) {
  params_.Validate();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) ThrowNotFound("input file '" + path + "' does not exist");
  if (std::filesystem::is_directory(path, error)) ThrowInvalidInput("input '" + path + "' is a folder, not a CSV file");
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (file_ == nullptr) ThrowUnavailable("cannot open '" + path + "': " + std::strerror(errno));
  file_bytes_ = std::filesystem::file_size(path, error);
  chunk_.resize(params_.read_chunk_bytes + kChunkSlack);

  RawBatch header_batch;
  if (ReadRows(header_batch, 1) == 0) ThrowInvalidInput("'" + path + "' is empty: expected a header row");
  const RawRow& row = header_batch.Row(0);
  if (row.problem != RowProblem::kNone) {
    ThrowInvalidInput("'" + path + "': the header row (line " + std::to_string(row.line) + ") is malformed");
  }
  std::set<std::string> seen;
  for (std::uint32_t field_idx = 0; field_idx < row.field_count; ++field_idx) {
    std::string name(header_batch.Field(0, field_idx));
    const auto first = name.find_first_not_of(" \t");
    const auto last = name.find_last_not_of(" \t");
    name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
    if (name.empty()) {
      ThrowInvalidInput("'" + path + "': header column " + std::to_string(field_idx + 1) + " has no name");
    }
    if (!seen.insert(name).second) ThrowInvalidInput("'" + path + "': header column '" + name + "' appears twice");
    header_.push_back(std::move(name));
  }
}

CsvReader::~CsvReader() = default;

bool CsvReader::Next(RawBatch& batch) {
  batch.Clear();
  return ReadRows(batch, params_.batch_rows) > 0;
}

bool CsvReader::FillChunk() {
  if (eof_) return false;
  chunk_len_ = std::fread(chunk_.data(), 1, chunk_.size() - kChunkSlack, file_.get());
  chunk_pos_ = 0;
  if (chunk_len_ == 0) {
    if (std::ferror(file_.get())) ThrowUnavailable("read error on '" + path_ + "'");
    eof_ = true;
    return false;
  }
  bytes_read_ += chunk_len_;
  if (first_chunk_) {
    first_chunk_ = false;
    if (chunk_len_ >= 3 && std::memcmp(chunk_.data(), "\xEF\xBB\xBF", 3) == 0) chunk_pos_ = 3;
  }
  return true;
}

void CsvReader::MarkProblem(RowProblem problem) {
  if (row_.problem == RowProblem::kNone) {
    row_.problem = problem;
    row_.problem_field = row_.field_count;
  }
}

// Room for the bytes was reserved for the whole chunk (ReadRows), and `begin` points into the padded chunk or a
// local byte, so short runs are copied with one fixed 16-byte move.
void CsvReader::Append(RawBatch& batch, const char* begin, std::size_t size) {
  if (field_len_ + size > params_.max_field_bytes) {
    MarkProblem(RowProblem::kFieldTooLarge);
    size = field_len_ < params_.max_field_bytes ? params_.max_field_bytes - field_len_ : 0;
  }
  char* out = batch.bytes_.get() + batch.byte_size_;
  const bool from_chunk = begin >= chunk_.data() && begin < chunk_.data() + chunk_.size();
  if (size <= 16 && from_chunk) {
    std::memcpy(out, begin, 16);
  } else {
    std::memcpy(out, begin, size);
  }
  batch.byte_size_ += size;
  field_len_ += size;
}

void CsvReader::BeginRow(RawBatch& batch) {
  row_open_ = true;
  row_ = RawRow{};
  row_.line = line_;
  row_.first_field = static_cast<std::uint32_t>(batch.field_end_.size());
  field_len_ = 0;
}

void CsvReader::EndField(RawBatch& batch) {
  batch.field_end_.push_back(static_cast<std::uint32_t>(batch.byte_size_));
  // The separator byte the layout puts after every field. Each field consumed at least one delimiter from the
  // input, for which room was reserved, except the last field of a file without a final line end.
  if (batch.byte_size_ + 1 + RawBatch::kFieldPadding > batch.byte_capacity_) batch.Reserve(1);
  batch.bytes_[batch.byte_size_++] = ',';
  ++row_.field_count;
  field_len_ = 0;
  state_ = State::kFieldStart;
}

void CsvReader::EndRow(RawBatch& batch) {
  batch.rows_.push_back(row_);
  row_open_ = false;
  state_ = State::kFieldStart;
}

void CsvReader::EndLine(RawBatch& batch) {
  EndField(batch);
  EndRow(batch);
  ++line_;
}

// A whole line without quotes, taken in one step: copied as it is (its commas and line end become the separator
// bytes) while one pass over 16-byte blocks finds the commas that end its fields and the LF that ends it. Lines
// with a quote, a stray CR, or more bytes than a field may hold go through the state machine instead; so does a
// line that continues in the next chunk.
bool CsvReader::TakePlainLine(RawBatch& batch, const char* data, std::size_t pos, std::size_t len,
                              std::size_t& next_pos) {
  const std::size_t fields_before = batch.field_end_.size();
  const auto base = static_cast<std::uint32_t>(batch.byte_size_);
  auto give_up = [&] {
    batch.field_end_.resize(fields_before);
    return false;
  };
  const std::size_t limit = std::min(len - pos, params_.max_field_bytes + 2);  // content, CR, LF
  std::size_t line_length = 0;  // bytes before the LF
  bool found_line_end = false;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  const __m128i line_feed = _mm_set1_epi8('\n');
  for (std::size_t offset = 0; offset < limit && !found_line_end; offset += 16) {
    // Bytes past the chunk's data are masked off; reading them is safe thanks to the chunk's slack.
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos + offset));
    const std::size_t valid = std::min<std::size_t>(16, limit - offset);
    unsigned in_line = valid == 16 ? 0xFFFFu : (1u << valid) - 1u;
    const auto line_feeds = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, line_feed))) & in_line;
    if (line_feeds != 0) {
      const auto at = static_cast<unsigned>(__builtin_ctz(line_feeds));
      in_line = (1u << at) - 1u;
      line_length = offset + at;
      found_line_end = true;
    }
    const auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, quote))) & in_line;
    auto returns = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, carriage_return))) & in_line;
    // The CR of a CRLF ends the last field like the LF would; any other CR is left to the state machine.
    if (found_line_end && line_length > offset && (returns >> (line_length - offset - 1)) == 1u) {
      returns = 0;
    }
    if ((quotes | returns) != 0) return give_up();
    auto commas = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, comma))) & in_line;
    while (commas != 0) {
      batch.field_end_.push_back(base + static_cast<std::uint32_t>(offset) +
                                 static_cast<std::uint32_t>(__builtin_ctz(commas)));
      commas &= commas - 1;
    }
  }
#else
  for (std::size_t offset = 0; offset < limit; ++offset) {
    const char c = data[pos + offset];
    if (c == '\n') {
      line_length = offset;
      found_line_end = true;
      break;
    }
    if (c == '"' || (c == '\r' && !(offset + 1 < limit && data[pos + offset + 1] == '\n'))) return give_up();
    if (c == ',') batch.field_end_.push_back(base + static_cast<std::uint32_t>(offset));
  }
#endif
  if (!found_line_end) return give_up();
  // A CRLF's CR (the only CR a plain line may hold) is not part of the last field.
  const std::size_t length = line_length > 0 && data[pos + line_length - 1] == '\r' ? line_length - 1 : line_length;
  if (length > params_.max_field_bytes) return give_up();
  batch.field_end_.push_back(base + static_cast<std::uint32_t>(length));
  // The content and one byte after it (the LF, or the CR of a CRLF) as the last field's separator.
  std::memcpy(batch.bytes_.get() + batch.byte_size_, data + pos, length + 1);
  batch.byte_size_ += length + 1;
  RawRow row;
  row.line = line_;
  row.first_field = static_cast<std::uint32_t>(fields_before);
  row.field_count = static_cast<std::uint32_t>(batch.field_end_.size() - fields_before);
  batch.rows_.push_back(row);
  ++line_;
  next_pos = pos + line_length + 1;
  return true;
}

std::size_t CsvReader::ReadRows(RawBatch& batch, std::size_t max_rows) {
  const std::size_t rows_at_start = batch.RowCount();
  auto rows_added = [&] { return batch.RowCount() - rows_at_start; };
  while (rows_added() < max_rows && batch.ByteSize() < kMaxBatchBytes) {
    if (chunk_pos_ == chunk_len_ && !FillChunk()) {
      if (row_open_) {
        if (state_ == State::kQuoted) MarkProblem(RowProblem::kUnterminatedQuote);
        EndField(batch);
        EndRow(batch);
      }
      break;
    }
    const char* const data = chunk_.data();
    const std::size_t len = chunk_len_;
    std::size_t pos = chunk_pos_;
    batch.Reserve(len - pos);  // unescaping never makes the output longer than the input
    // Consume bytes until the chunk is used up or the batch is full.
    while (pos < len && rows_added() < max_rows) {
      const char c = data[pos];
      switch (state_) {
        case State::kFieldStart:
          ++pos;
          if (!row_open_) {
            if (c == '\n') {
              ++line_;
              break;
            }
            if (c == '\r') break;
            if (std::size_t next_pos = 0; TakePlainLine(batch, data, pos - 1, len, next_pos)) {
              pos = next_pos;
              break;
            }
            BeginRow(batch);
          }
          if (c == '"') {
            state_ = State::kQuoted;
          } else if (c == ',') {
            EndField(batch);
          } else if (c == '\n') {
            EndLine(batch);
          } else if (c == '\r') {
            // The CR of a CRLF: the LF that follows ends the row.
          } else {
            --pos;
            state_ = State::kUnquoted;
          }
          break;
        case State::kUnquoted: {
          const std::size_t run_end = FindUnquotedStop(data, pos, len);
          Append(batch, data + pos, run_end - pos);
          pos = run_end;
          if (pos == len) break;
          const char stop = data[pos++];
          if (stop == ',') {
            EndField(batch);
          } else if (stop == '\n') {
            EndLine(batch);
          }
          // A CR is dropped: it is the first half of CRLF.
          break;
        }
        case State::kQuoted: {
          const void* quote = std::memchr(data + pos, '"', len - pos);
          const std::size_t run_end = quote ? static_cast<std::size_t>(static_cast<const char*>(quote) - data) : len;
          line_ += static_cast<std::uint64_t>(std::count(data + pos, data + run_end, '\n'));
          Append(batch, data + pos, run_end - pos);
          pos = run_end;
          if (quote != nullptr) {
            ++pos;
            state_ = State::kQuoteInQuoted;
          }
          break;
        }
        case State::kQuoteInQuoted:
          ++pos;
          if (c == '"') {
            Append(batch, &c, 1);
            state_ = State::kQuoted;
          } else if (c == ',') {
            EndField(batch);
          } else if (c == '\n') {
            EndLine(batch);
          } else if (c != '\r') {
            MarkProblem(RowProblem::kTextAfterQuote);
            Append(batch, &c, 1);
            state_ = State::kUnquoted;
          }
          break;
      }
    }
    chunk_pos_ = pos;
  }
  return rows_added();
}

}  // namespace recon::io
