#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace recon {

/// Incremental SHA-256 (OpenSSL underneath).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  /// Feeds bytes.
  void Update(std::string_view bytes);
  /// Returns the 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> Finish();

 private:
  void* context_;
};

/// SHA-256 of `bytes` as 64 lowercase hex characters.
std::string Sha256Hex(std::string_view bytes);

/// Lowercase hex of a byte range.
std::string ToHex(const std::uint8_t* bytes, std::size_t size);

}  // namespace recon
