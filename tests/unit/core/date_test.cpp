#include "recon/core/date.hpp"

#include <gtest/gtest.h>

namespace recon {
namespace {

TEST(DateTest, EpochAndKnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2025, 1, 2), 20090);
  EXPECT_EQ(FormatIsoDate(20090), "2025-01-02");
}

TEST(DateTest, ParsesIsoDatesAndTimestamps) {
  EXPECT_EQ(ParseIsoDate("2025-01-02"), DaysFromCivil(2025, 1, 2));
  EXPECT_EQ(ParseIsoDate("2025-01-02T10:30:00Z"), DaysFromCivil(2025, 1, 2));
  EXPECT_EQ(ParseIsoDate("2024-02-29"), DaysFromCivil(2024, 2, 29));
}

TEST(DateTest, RejectsImpossibleOrMalformedDates) {
  for (const char* text : {"2025-02-30", "2023-02-29", "2025-13-01", "2025-00-10", "2025-1-02", "02/01/2025", "",
                           "2025-01-0x", "abcd-ef-gh", "2025-01-02X"}) {
    EXPECT_FALSE(ParseIsoDate(text).has_value()) << text;
  }
}

TEST(DateTest, WeekdayAndMonth) {
  EXPECT_EQ(Weekday(DaysFromCivil(2025, 1, 2)), 3);    // Thursday
  EXPECT_EQ(Weekday(DaysFromCivil(2025, 1, 6)), 0);    // Monday
  EXPECT_EQ(Weekday(DaysFromCivil(1969, 12, 31)), 2);  // Wednesday, before the epoch
  EXPECT_EQ(Month(DaysFromCivil(2025, 12, 31)), 12);
}

TEST(DateTest, BusinessDaysSkipWeekends) {
  const auto thursday = DaysFromCivil(2025, 1, 2);
  EXPECT_EQ(BusinessDaysBetween(thursday, thursday), 0);
  EXPECT_EQ(BusinessDaysBetween(thursday, thursday + 1), 1);  // Friday
  EXPECT_EQ(BusinessDaysBetween(thursday, thursday + 4), 2);  // Monday
  EXPECT_EQ(BusinessDaysBetween(thursday, thursday + 14), 10);
  EXPECT_EQ(BusinessDaysBetween(thursday + 4, thursday), -2);
}

}  // namespace
}  // namespace recon
