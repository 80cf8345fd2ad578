#pragma once
// Decimal text to double, exactly as std::from_chars rounds it. Trade files hold nine numbers per row, so the
// common shape ("[-]digits[.digits]") has a fast path; everything else takes the general one.
#include <cstddef>
#include <optional>
#include <string_view>

namespace recon::io {

/// Parses a decimal number: optional sign, digits, dot, exponent; surrounding blanks allowed.
/// Empty on anything else, including inf and nan.
std::optional<double> ParseNumber(std::string_view text);

/// Bytes that must be readable after the text given to ParseNumberPadded (every RawBatch field has them).
inline constexpr std::size_t kNumberReadPastEnd = 16;

/// Same result as ParseNumber, for text followed by at least kNumberReadPastEnd readable bytes (their values do
/// not matter): up to 8 integer and 7 fraction digits are read eight bytes at a time, without a loop per digit
/// and its mispredicted exit.
std::optional<double> ParseNumberPadded(std::string_view text);

}  // namespace recon::io
