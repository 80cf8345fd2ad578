#include "recon/io/csv_writer.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace recon::io {
namespace {

std::string Encode(std::string_view field, bool formula_safe) {
  std::string out;
  AppendCsvField(out, field, formula_safe);
  return out;
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(Encode("plain", false), "plain");
  EXPECT_EQ(Encode("a,b", false), "\"a,b\"");
  EXPECT_EQ(Encode("say \"hi\"", false), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Encode("two\nlines", false), "\"two\nlines\"");
}

TEST(CsvWriterTest, NeutralisesSpreadsheetFormulasButKeepsNumbers) {
  EXPECT_EQ(Encode("=HYPERLINK(\"http://x\")", true), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(Encode("+cmd", true), "'+cmd");
  EXPECT_EQ(Encode("@SUM(A1)", true), "'@SUM(A1)");
  EXPECT_EQ(Encode("-2+3", true), "'-2+3");
  EXPECT_EQ(Encode("\tx", true), "'\tx");
  EXPECT_EQ(Encode("-483", true), "-483");
  EXPECT_EQ(Encode("-47734.89", true), "-47734.89");
  EXPECT_EQ(Encode("+1.5e3", true), "+1.5e3");
  EXPECT_EQ(Encode("=1", false), "=1");
}

TEST(CsvWriterTest, WritesRowsToFile) {
  testing::TempDir dir;
  {
    CsvWriter writer(dir.File("out.csv"), true);
    writer.Row({"a", "b"});
    writer.Field("1");
    writer.Field("x,y");
    writer.EndRow();
    writer.Close();
  }
  EXPECT_EQ(testing::ReadFile(dir.File("out.csv")), "a,b\n1,\"x,y\"\n");
}

}  // namespace
}  // namespace recon::io
