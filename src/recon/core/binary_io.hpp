#pragma once
// Little-endian binary encoding for model files. The reader is bounds-checked: a truncated or corrupted payload
// raises ErrorKind::kCorrupt naming what was being read, never reads out of range.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "recon/core/error.hpp"

namespace recon {

/// Appends values to a byte buffer.
class BinaryWriter {
 public:
  /// Writes an arithmetic value in little-endian order (x86-64 and AArch64 are little-endian; checked at load).
  template <typename T>
  requires std::is_arithmetic_v<T>
  void Write(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    buffer_.append(bytes, sizeof(T));
  }
  /// Writes a length-prefixed string.
  void WriteString(std::string_view text) {
    Write<std::uint64_t>(text.size());
    buffer_.append(text);
  }
  /// Writes a length-prefixed vector of arithmetic values.
  template <typename T>
  void WriteVector(const std::vector<T>& values) {
    Write<std::uint64_t>(values.size());
    buffer_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  /// Writes a section tag, checked by the reader to catch misaligned or foreign data early.
  void WriteTag(std::uint32_t tag) { Write(tag); }
  /// The bytes written so far.
  const std::string& Bytes() const { return buffer_; }

 private:
  std::string buffer_;
};

/// Reads what BinaryWriter wrote.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  requires std::is_arithmetic_v<T> T Read(const char* what) {
    Need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  std::string ReadString(const char* what) {
    const auto size = Read<std::uint64_t>(what);
    Need(size, what);
    std::string text(bytes_.substr(offset_, size));
    offset_ += size;
    return text;
  }
  template <typename T>
  std::vector<T> ReadVector(const char* what) {
    const auto count = Read<std::uint64_t>(what);
    if (count > (bytes_.size() - offset_) / sizeof(T)) Fail(what);
    std::vector<T> values(count);
    if (count > 0) std::memcpy(values.data(), bytes_.data() + offset_, count * sizeof(T));
    offset_ += count * sizeof(T);
    return values;
  }
  /// Reads a tag and checks it equals `expected`.
  void ExpectTag(std::uint32_t expected, const char* what) {
    if (Read<std::uint32_t>(what) != expected)
      ThrowCorrupt(std::string("model file section '") + what + "' is malformed");
  }
  /// Bytes not read yet (lets loaders check a count against the data before allocating for it).
  std::size_t Remaining() const { return bytes_.size() - offset_; }
  /// True when every byte was consumed.
  bool AtEnd() const { return offset_ == bytes_.size(); }

 private:
  void Need(std::uint64_t size, const char* what) {
    if (size > bytes_.size() - offset_) Fail(what);
  }
  [[noreturn]] void Fail(const char* what) {
    ThrowCorrupt(std::string("model file is truncated or corrupt while reading ") + what);
  }
  std::string_view bytes_;
  std::size_t offset_ = 0;
};

}  // namespace recon
