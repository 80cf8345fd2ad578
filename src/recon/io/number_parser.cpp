#include "recon/io/number_parser.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace recon::io {
namespace {

constexpr double kPowers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Clinger's fast path: "[-]digits[.digits]" with at most 15 significant digits is an integer below 2^53 divided
// by an exact power of ten, so one IEEE division gives the correctly rounded result that from_chars would give.
std::optional<double> ParseSimpleDecimal(std::string_view text) {
  const char* pos = text.data();
  const char* const end = pos + text.size();
  const bool negative = pos < end && *pos == '-';
  pos += negative;
  std::uint64_t mantissa = 0;
  const char* const integer_start = pos;
  while (pos < end && static_cast<unsigned>(*pos - '0') < 10)
    mantissa = mantissa * 10 + static_cast<unsigned>(*pos++ - '0');
  const auto integer_digits = pos - integer_start;
  std::ptrdiff_t fraction_digits = 0;
  if (pos < end && *pos == '.') {
    const char* const fraction_start = ++pos;
    while (pos < end && static_cast<unsigned>(*pos - '0') < 10)
      mantissa = mantissa * 10 + static_cast<unsigned>(*pos++ - '0');
    fraction_digits = pos - fraction_start;
  }
  // At most 15 digits in all (leading zeros included) keeps the mantissa exact below 2^53.
  if (pos != end || integer_digits + fraction_digits == 0 || integer_digits + fraction_digits > 15) return std::nullopt;
  const double value = static_cast<double>(mantissa) / kPowers[fraction_digits];
  return negative ? -value : value;
}

// Eight text bytes as a little-endian word: the first character is the lowest byte.
std::uint64_t LoadWord(const char* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

constexpr std::uint64_t kAsciiZeros = 0x3030303030303030ULL;
constexpr std::uint64_t kHighNibbles = 0xF0F0F0F0F0F0F0F0ULL;

// How many leading characters of `word` are ASCII digits (8 when all are). After `^ '0'` a digit byte is 0-9:
// its high nibble is zero and adding 6 does not carry into it. A carry out of a non-digit byte can only disturb
// later bytes, never the first non-digit itself.
unsigned LeadingDigits(std::uint64_t word) {
  const std::uint64_t values = word ^ kAsciiZeros;
  const std::uint64_t non_digit = (values & kHighNibbles) | ((values + 0x0606060606060606ULL) & kHighNibbles);
  return non_digit == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(non_digit)) / 8;
}

// The value of the first `count` (0-8) digit characters of `word`: shifted up so that the missing ones read as
// leading zeros, then combined pairwise, in fours and in eights (three multiplications instead of eight steps).
std::uint64_t DigitsValue(std::uint64_t word, unsigned count) {
  if (count == 0) return 0;
  std::uint64_t digits = word ^ kAsciiZeros;
  digits <<= 8 * (8 - count);
  digits = digits * 10 + (digits >> 8);
  return (((digits & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
          (((digits >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
         32;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  if (auto simple = ParseSimpleDecimal(text)) return simple;  // the common case: no blanks, no sign, no exponent
  text = Trim(text);
  if (auto simple = ParseSimpleDecimal(text)) return simple;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  const char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!(first >= '0' && first <= '9') && first != '.') return std::nullopt;  // rejects inf, nan, hex
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> ParseNumberPadded(std::string_view text) {
  static constexpr std::uint64_t kIntegerPowers[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
  if (text.empty()) return std::nullopt;
  const char* pos = text.data();
  const char* const end = pos + text.size();
  const bool negative = pos < end && *pos == '-';
  pos += negative;
  // The word may run past the text into padding or the next field: the digit counts are capped at the text.
  const std::uint64_t integer_word = LoadWord(pos);
  const auto integer_digits = static_cast<unsigned>(std::min<std::ptrdiff_t>(LeadingDigits(integer_word), end - pos));
  // Nine or more integer digits: the general path.
  if (integer_digits == 8 && end - pos > 8 && static_cast<unsigned>(pos[8] - '0') < 10) return ParseNumber(text);
  std::uint64_t mantissa = DigitsValue(integer_word, integer_digits);
  pos += integer_digits;
  unsigned fraction_digits = 0;
  if (pos < end && *pos == '.') {
    ++pos;
    const std::uint64_t fraction_word = LoadWord(pos);
    fraction_digits = static_cast<unsigned>(std::min<std::ptrdiff_t>(LeadingDigits(fraction_word), end - pos));
    if (fraction_digits == 8) return ParseNumber(text);  // 8 + 8 digits could exceed 2^53
    mantissa = mantissa * kIntegerPowers[fraction_digits] + DigitsValue(fraction_word, fraction_digits);
    pos += fraction_digits;
  }
  if (pos != end || integer_digits + fraction_digits == 0) return ParseNumber(text);
  const double value = static_cast<double>(mantissa) / kPowers[fraction_digits];
  return negative ? -value : value;
}

}  // namespace recon::io
