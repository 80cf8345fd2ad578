#pragma once
// Dates as signed day counts since 1970-01-01 (proleptic Gregorian), the representation every column uses.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recon {

/// Days since 1970-01-01 for a civil date (Howard Hinnant's days_from_civil).
std::int32_t DaysFromCivil(int year, unsigned month, unsigned day);

/// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and a time that is ignored. Empty on any error,
/// including impossible dates such as 2025-02-30.
std::optional<std::int32_t> ParseIsoDate(std::string_view text);

/// `YYYY-MM-DD` of a day count.
std::string FormatIsoDate(std::int32_t days);

/// 0 = Monday ... 6 = Sunday.
int Weekday(std::int32_t days);

/// 1 ... 12.
int Month(std::int32_t days);

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (timestamps in the store and model metadata).
std::string UtcNowIso8601();
/// `when` as "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds): such strings sort in time order.
std::string UtcIso8601(std::chrono::system_clock::time_point when);

/// Business days (Mon-Fri) from `from` to `to`: positive when `to` is later, 0 for the same day.
std::int32_t BusinessDaysBetween(std::int32_t from, std::int32_t to);

}  // namespace recon
