#include "recon/core/sha256.hpp"

#include <openssl/evp.h>

#include "recon/core/error.hpp"

namespace recon {
namespace {

// OpenSSL 3 looks an algorithm up in its provider tables (locks, property queries) on every EVP_sha256() init;
// the service hashes each flagged trade, so the implementation is fetched once and reused (it is immutable).
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return algorithm;
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  const EVP_MD* algorithm = Sha256Algorithm();
  if (context_ == nullptr || algorithm == nullptr ||
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), algorithm, nullptr) != 1) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_));
    ThrowInternal("OpenSSL could not initialise SHA-256");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), bytes.data(), bytes.size());
}

std::array<std::uint8_t, 32> Sha256::Finish() {
  std::array<std::uint8_t, 32> digest{};
  unsigned size = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest.data(), &size);
  return digest;
}

std::string ToHex(const std::uint8_t* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(size * 2, '0');
  for (std::size_t idx = 0; idx < size; ++idx) {
    hex[2 * idx] = kDigits[bytes[idx] >> 4];
    hex[2 * idx + 1] = kDigits[bytes[idx] & 0x0f];
  }
  return hex;
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 hasher;
  hasher.Update(bytes);
  const auto digest = hasher.Finish();
  return ToHex(digest.data(), digest.size());
}

}  // namespace recon
