#include "recon/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "recon/core/error.hpp"

namespace recon::io {
namespace {

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
  if (in_place_) {
    temporary_ = path_;
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  } else {
    // O_EXCL | O_NOFOLLOW: a link planted at the temporary name (in a shared folder) must not redirect the write.
    // A file left there by a killed process that had this pid is removed once.
    temporary_ = target_ + "." + std::to_string(::getpid()) + ".partial";
    constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    fd_ = ::open(temporary_.c_str(), kFlags, 0666);
    if (fd_ < 0 && errno == EEXIST && ::unlink(temporary_.c_str()) == 0) fd_ = ::open(temporary_.c_str(), kFlags, 0666);
    // The replacement keeps the permissions of the file it replaces (a private output stays private).
    struct stat existing {};
    if (fd_ >= 0 && ::stat(target_.c_str(), &existing) == 0) ::fchmod(fd_, existing.st_mode & 07777);
  }
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

}  // namespace recon::io
