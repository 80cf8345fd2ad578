#pragma once
// Files appear at their path complete or not at all: a run killed or failed midway leaves the previous file in
// place, never a truncated one (the anomalies and rejects CSVs, the model bundle).
#include <string>
#include <string_view>

namespace recon::io {

/// A file written under a temporary name in its folder, `<path>.<pid>.partial` (the pid keeps two runs writing one
/// path apart), which Commit fsyncs, renames over `path` and follows with an fsync of the folder: a reader, a crash
/// or a power cut sees the previous file or the complete new one. Destroyed without Commit (an exception, a
/// failed run), it removes the temporary file and leaves `path` untouched. A SIGKILL leaves only the temporary
/// file behind (safe to delete). A path naming something other than a regular file (/dev/stdout, a FIFO,
/// /dev/full) cannot be replaced by a rename and is written in place.
class AtomicFile {
 public:
  /// Creates the temporary file. Throws Unavailable naming `path` when it cannot be created.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends `bytes`. Throws Unavailable (disk full, I/O error).
  void Write(std::string_view bytes);
  /// Makes the file durable and puts it at its final path. Throws Unavailable; the temporary file is then removed.
  void Commit();
  /// The final path.
  const std::string& Path() const { return path_; }
  /// Where the bytes go until Commit (the final path itself when written in place).
  const std::string& TemporaryPath() const { return temporary_; }

 private:
  void Discard();
  std::string path_;
  std::string target_;  // path_, or what it links to: a symbolic link is followed, not replaced
  std::string temporary_;
  int fd_ = -1;
  bool in_place_ = false;
};

}  // namespace recon::io
