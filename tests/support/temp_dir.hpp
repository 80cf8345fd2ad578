#pragma once
// A fresh folder per test under the system temp dir, removed afterwards.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace recon::testing {

class TempDir {
 public:
  TempDir() {
    static thread_local std::mt19937_64 names(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    path_ = std::filesystem::temp_directory_path() / ("recon-test-" + std::to_string(names()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Path of `name` inside the folder.
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `contents` to `name` and returns its path.
  std::string Write(const std::string& name, const std::string& contents) const {
    std::ofstream out(File(name), std::ios::binary);
    out << contents;
    return File(name);
  }
  const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Whole file as a string.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

/// The generator's header, as the default column mapping expects.
inline const char* kTradeHeader =
    "TRADE_ID,TRADE_DATE,SETTLEMENT_DATE,DESKNAME,TRADER,COUNTERPARTY,INSTRUMENT,ASSET_CLASS,CURRENCY,"
    "BOOK_QUANTITY,STREET_QUANTITY,QUANTITY_DIFF,BOOK_PRICE,STREET_PRICE,PRICE_DIFF,BOOK_AMOUNT,STREET_AMOUNT,"
    "AMOUNT_DIFF,COMMENT";

}  // namespace recon::testing
