#include "recon/io/number_parser.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <string>

namespace recon::io {
namespace {

// Parses `text` with padding bytes after it, as a RawBatch field has them.
std::optional<double> ParsePaddedCopy(const std::string& text, char padding) {
  std::string buffer = text + std::string(kNumberReadPastEnd, padding);
  return ParseNumberPadded(std::string_view(buffer.data(), text.size()));
}

void ExpectSameAsGeneral(const std::string& text, char padding) {
  const auto general = ParseNumber(text);
  const auto padded = ParsePaddedCopy(text, padding);
  ASSERT_EQ(general.has_value(), padded.has_value()) << "'" << text << "'";
  if (general) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*general), std::bit_cast<std::uint64_t>(*padded)) << "'" << text << "'";
  }
}

TEST(ParseNumberPaddedTest, KnownValues) {
  EXPECT_EQ(ParsePaddedCopy("0", '7'), 0.0);
  EXPECT_EQ(ParsePaddedCopy("37", '3'), 37.0);
  EXPECT_EQ(ParsePaddedCopy("-47734.89", '9'), -47734.89);
  EXPECT_EQ(ParsePaddedCopy("210134.10", '1'), 210134.10);
  EXPECT_EQ(ParsePaddedCopy("12345678.1234567", '5'), 12345678.1234567);
  EXPECT_EQ(ParsePaddedCopy("99999999", '9'), 99999999.0);
  EXPECT_EQ(ParsePaddedCopy("11852160.70", '7'), 11852160.70);
  EXPECT_EQ(ParsePaddedCopy("123456789.5", '1'), 123456789.5);
  EXPECT_EQ(ParsePaddedCopy(".5", '.'), 0.5);
  EXPECT_EQ(ParsePaddedCopy("5.", '0'), 5.0);
  EXPECT_TRUE(std::signbit(*ParsePaddedCopy("-0.00", '0')));
  for (const char* bad : {"", "-", ".", "-.", "1.2.3", "12a", "1,5", "--1", "inf", "nan", "0x10"}) {
    EXPECT_FALSE(ParsePaddedCopy(bad, '1').has_value()) << bad;
  }
}

// Digits in the padding must never be read as part of the number, whatever the length of the text.
TEST(ParseNumberPaddedTest, EqualsTheGeneralParserOnRandomText) {
  std::mt19937_64 random(20261129);
  const std::string alphabet = "0123456789.-+e ,x";
  for (int trial = 0; trial < 200000; ++trial) {
    std::string text;
    if (trial % 4 == 0) {
      const auto length = random() % 20;
      for (std::uint64_t idx = 0; idx < length; ++idx) text += alphabet[random() % alphabet.size()];
    } else {
      if (random() % 3 == 0) text += '-';
      const auto integer_digits = random() % 12;
      for (std::uint64_t idx = 0; idx < integer_digits; ++idx) text += static_cast<char>('0' + random() % 10);
      if (random() % 2 == 0) {
        text += '.';
        const auto fraction_digits = random() % 10;
        for (std::uint64_t idx = 0; idx < fraction_digits; ++idx) text += static_cast<char>('0' + random() % 10);
      }
    }
    ExpectSameAsGeneral(text, static_cast<char>('0' + random() % 10));
    ExpectSameAsGeneral(text, '.');
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace recon::io
