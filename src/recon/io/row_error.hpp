#pragma once
// A rejected input row: never thrown, always reported (rejects file, run summary, store).
#include <cstdint>
#include <string>
#include <string_view>

namespace recon::io {

/// Why a row was rejected.
enum class RowErrorKind : std::uint8_t {
  kWrongFieldCount,
  kFieldTooLarge,
  kUnterminatedQuote,
  kTextAfterQuote,
  kEmptyValue,
  kBadNumber,
  kBadDate,
};

/// Short stable name of a kind ("bad_number"), used in the rejects file and summaries.
std::string_view RowErrorKindName(RowErrorKind kind);

/// One rejected row with everything needed to find and fix it.
struct RowError {
  std::string source;  ///< file path or request id
  std::uint64_t line = 0;
  std::string column;  ///< header of the offending column, empty when the whole row is at fault
  RowErrorKind kind = RowErrorKind::kBadNumber;
  std::string message;  ///< what is wrong and how to fix it
  std::string raw;      ///< the row as read (capped)
};

}  // namespace recon::io
