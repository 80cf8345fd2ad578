#include "recon/io/csv_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "recon/core/error.hpp"
#include "recon/io/rejects_writer.hpp"
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

// Every entry of the folder, by name: what a crash or a failed run would leave behind.
std::vector<std::string> FolderEntries(const testing::TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.Path())) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CsvWriterTest, TheFinalFileAppearsOnlyWhenClosed) {
  testing::TempDir dir;
  const std::string path = dir.File("out.csv");
  CsvWriter writer(path, true);
  EXPECT_EQ(writer.Path(), path);  // callers (the e-mail attachment) name the final path
  writer.Row({"a", "b"});
  for (int row_idx = 0; row_idx < 100000; ++row_idx) writer.Row({"1", "x,y"});  // past the 1 MiB flush threshold
  EXPECT_FALSE(std::filesystem::exists(path)) << "visible at its final path before it is complete";
  ASSERT_EQ(FolderEntries(dir).size(), 1u);
  EXPECT_NE(FolderEntries(dir)[0].find(".partial"), std::string::npos) << FolderEntries(dir)[0];
  writer.Close();
  EXPECT_EQ(FolderEntries(dir), std::vector<std::string>{"out.csv"});
  EXPECT_EQ(std::filesystem::file_size(path), 4 + 100000 * 8u);
}

TEST(CsvWriterTest, WithoutCloseNothingIsPublishedAndThePreviousFileSurvives) {
  testing::TempDir dir;
  const std::string path = dir.Write("out.csv", "previous,good\n1,2\n");
  try {
    CsvWriter writer(path, true);
    writer.Row({"new", "header"});
    for (int row_idx = 0; row_idx < 100000; ++row_idx) writer.Row({"3", "4"});
    throw std::runtime_error("the run failed midway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(testing::ReadFile(path), "previous,good\n1,2\n");
  EXPECT_EQ(FolderEntries(dir), std::vector<std::string>{"out.csv"}) << "the temporary file is removed";

  {
    CsvWriter never_closed(dir.File("fresh.csv"), true);
    never_closed.Row({"a"});
  }
  EXPECT_EQ(FolderEntries(dir), std::vector<std::string>{"out.csv"});

  CsvWriter replacement(path, true);
  replacement.Row({"new", "header"});
  EXPECT_EQ(testing::ReadFile(path), "previous,good\n1,2\n");
  replacement.Close();
  EXPECT_EQ(testing::ReadFile(path), "new,header\n");
}

TEST(CsvWriterTest, RejectsAppearOnlyWhenClosedAndAFailedRunKeepsThePreviousFile) {
  testing::TempDir dir;
  const std::string path = dir.Write("out.rejects.csv", "previous rejects\n");
  const std::vector<RowError> errors = {{"f.csv", 3, "QUANTITY_DIFF", RowErrorKind::kBadNumber, "not a number", "x"}};
  {
    RejectsWriter failed_run(path);
    failed_run.Write(errors);
  }
  EXPECT_EQ(testing::ReadFile(path), "previous rejects\n");
  EXPECT_EQ(FolderEntries(dir), std::vector<std::string>{"out.rejects.csv"});
  RejectsWriter rejects(path);
  rejects.Write(errors);
  EXPECT_EQ(testing::ReadFile(path), "previous rejects\n");
  rejects.Close();
  EXPECT_EQ(testing::ReadFile(path),
            "source,line,column,kind,message,row\nf.csv,3,QUANTITY_DIFF,bad_number,not a number,x\n");
}

TEST(CsvWriterTest, ASpecialFileIsWrittenInPlaceAndAFullDiskIsReported) {
  // /dev/full cannot be replaced by a rename (nor should /dev/stdout be): it is written in place, and its ENOSPC
  // surfaces as Unavailable.
  try {
    CsvWriter writer("/dev/full", false);
    writer.Row({"a"});
    writer.Close();
    FAIL() << "a full disk must be reported";
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kUnavailable);
  }
  EXPECT_FALSE(std::filesystem::exists("/dev/full.partial"));
}

TEST(CsvWriterTest, AnUnwritableFolderIsRefusedNamingThePath) {
  try {
    CsvWriter writer("/nonexistent-folder/out.csv", false);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kUnavailable);
    EXPECT_NE(std::string(error.what()).find("/nonexistent-folder/out.csv"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace recon::io
