#include "recon/core/date.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace recon {
namespace {

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(std::int32_t days) {
  const std::int64_t z = static_cast<std::int64_t>(days) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Monday-based weekday of day 0 (1970-01-01 was a Thursday = 3).
int WeekdayOf(std::int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

}  // namespace

std::int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int32_t>(era * 146097 + static_cast<int>(doe) - 719468);
}

std::optional<std::int32_t> ParseIsoDate(std::string_view text) {
  if (text.size() > 10 && (text[10] == 'T' || text[10] == ' ')) text = text.substr(0, 10);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  unsigned digits[8];
  constexpr int kDigitAt[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (int idx = 0; idx < 8; ++idx) {
    digits[idx] = static_cast<unsigned>(text[kDigitAt[idx]]) - '0';
    if (digits[idx] > 9) return std::nullopt;
  }
  const int year = static_cast<int>(digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]);
  const int month = static_cast<int>(digits[4] * 10 + digits[5]);
  const int day = static_cast<int>(digits[6] * 10 + digits[7]);
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) return std::nullopt;
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::string FormatIsoDate(std::int32_t days) {
  const Civil civil = CivilFromDays(days);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", civil.year, civil.month, civil.day);
  return buffer;
}

std::string UtcNowIso8601() { return UtcIso8601(std::chrono::system_clock::now()); }

std::string UtcIso8601(std::chrono::system_clock::time_point when) {
  const std::time_t now = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

int Weekday(std::int32_t days) { return WeekdayOf(days); }

int Month(std::int32_t days) { return static_cast<int>(CivilFromDays(days).month); }

std::int32_t BusinessDaysBetween(std::int32_t from, std::int32_t to) {
  if (to < from) return -BusinessDaysBetween(to, from);
  // Count weekdays in (from, to]: whole weeks contribute 5 each, then walk the remainder.
  const std::int32_t span = to - from;
  std::int32_t count = (span / 7) * 5;
  for (std::int32_t offset = (span / 7) * 7 + 1; offset <= span; ++offset) {
    if (WeekdayOf(static_cast<std::int64_t>(from) + offset) < 5) ++count;
  }
  return count;
}

}  // namespace recon
