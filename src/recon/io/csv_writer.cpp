#include "recon/io/csv_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "recon/core/error.hpp"

namespace recon::io {
namespace {
constexpr std::size_t kFlushBytes = 1 << 20;

// The rename is durable only once the folder's entry is on disk. Best effort: some file systems refuse to fsync a
// folder, and the data itself is already safe by then.
void SyncFolderOf(const std::string& file) {
  const std::filesystem::path parent = std::filesystem::path(file).parent_path();
  const int folder = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0) return;
  ::fsync(folder);
  ::close(folder);
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), target_(path_) {
  struct stat info {};
  in_place_ = ::stat(path_.c_str(), &info) == 0 && !S_ISREG(info.st_mode);
  std::error_code error;
  if (!in_place_ && std::filesystem::is_symlink(path_, error)) {
    const auto resolved = std::filesystem::weakly_canonical(path_, error);
    if (!error) target_ = resolved.string();
  }
  temporary_ = in_place_ ? path_ : target_ + "." + std::to_string(::getpid()) + ".partial";
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) ThrowUnavailable("cannot write '" + path_ + "': " + std::strerror(errno));
}

AtomicFile::~AtomicFile() { Discard(); }

void AtomicFile::Write(std::string_view bytes) {
  if (fd_ < 0) ThrowInternal("write to '" + path_ + "' after it was committed or discarded");
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      ThrowUnavailable("cannot write to '" + path_ + "' (disk full?): " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

void AtomicFile::Commit() {
  if (fd_ < 0) return;
  // A device or a pipe written in place has nothing to make durable (fsync would fail on most of them).
  if (!in_place_ && ::fsync(fd_) != 0) {
    const std::string reason = std::strerror(errno);
    Discard();
    ThrowUnavailable("cannot finish writing '" + path_ + "': " + reason);
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    if (!in_place_) ::unlink(temporary_.c_str());
    ThrowUnavailable("cannot finish writing '" + path_ + "': " + reason);
  }
  if (in_place_) return;
  if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary_.c_str());
    ThrowUnavailable("cannot move '" + temporary_ + "' into place at '" + path_ + "': " + reason);
  }
  SyncFolderOf(target_);
}

void AtomicFile::Discard() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  if (!in_place_) ::unlink(temporary_.c_str());
}

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
