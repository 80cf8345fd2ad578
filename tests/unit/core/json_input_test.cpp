#include "recon/core/json_input.hpp"

#include <gtest/gtest.h>

#include <string>

namespace recon {
namespace {

TEST(JsonInputTest, ParsesADocumentWithinTheLimits) {
  const JsonInput input = ParseJsonWithin(R"({"TRADE_ID":"T1","trades":[1,2.5,{"a":[null,true]}]})", {});
  ASSERT_FALSE(input.problem) << input.problem->message;
  EXPECT_EQ(input.value["TRADE_ID"], "T1");
  EXPECT_EQ(input.value["trades"][2]["a"][1], true);
}

TEST(JsonInputTest, ANumberThatDoesNotFitADoubleNamesItsMember) {
  const JsonInput input = ParseJsonWithin(R"({"TRADE_ID":1e400})", {});
  ASSERT_TRUE(input.problem);
  EXPECT_EQ(input.problem->kind, JsonProblemKind::kOutOfRange);
  EXPECT_EQ(input.problem->path, "TRADE_ID");
  EXPECT_TRUE(input.value.is_null());

  const JsonInput in_batch = ParseJsonWithin(R"({"trades":[{"A":1},{"A":2,"B":-1e999}]})", {});
  ASSERT_TRUE(in_batch.problem);
  EXPECT_EQ(in_batch.problem->path, "trades[1].B");
  EXPECT_EQ(DescribeJsonProblem(*in_batch.problem), "trades[1].B: number out of range (it does not fit a double)");

  const JsonInput in_array = ParseJsonWithin("[1, 2, 1e400]", {});
  ASSERT_TRUE(in_array.problem);
  EXPECT_EQ(in_array.problem->path, "[2]");
}

TEST(JsonInputTest, DeepNestingIsRefusedBeforeItIsBuilt) {
  const std::string deep = "{\"TRADE_ID\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const JsonInput input = ParseJsonWithin(deep, {});
  ASSERT_TRUE(input.problem);
  EXPECT_EQ(input.problem->kind, JsonProblemKind::kTooDeep);
  EXPECT_EQ(input.problem->path.rfind("TRADE_ID[0][0]", 0), 0u) << input.problem->path;  // the member that is too deep

  JsonLimits limits;
  limits.max_depth = 3;
  EXPECT_FALSE(ParseJsonWithin("[[[1]]]", limits).problem);
  EXPECT_TRUE(ParseJsonWithin("[[[[1]]]]", limits).problem);
}

TEST(JsonInputTest, LongStringsAndKeysAreRefused) {
  JsonLimits limits;
  limits.max_string_bytes = 8;
  EXPECT_FALSE(ParseJsonWithin(R"({"COMMENT":"12345678"})", limits).problem);
  const JsonInput value = ParseJsonWithin(R"({"COMMENT":"123456789"})", limits);
  ASSERT_TRUE(value.problem);
  EXPECT_EQ(value.problem->kind, JsonProblemKind::kTooLong);
  EXPECT_EQ(value.problem->path, "COMMENT");
  const JsonInput key = ParseJsonWithin(R"({"123456789":1})", limits);
  ASSERT_TRUE(key.problem);
  EXPECT_EQ(key.problem->kind, JsonProblemKind::kTooLong);
}

TEST(JsonInputTest, ADocumentOfTooManyValuesIsRefused) {
  JsonLimits limits;
  limits.max_values = 6;
  EXPECT_FALSE(ParseJsonWithin("[1,2,[3,4]]", limits).problem);  // six values: two arrays and four numbers
  const JsonInput input = ParseJsonWithin("[1,2,[3,4],5]", limits);
  ASSERT_TRUE(input.problem);
  EXPECT_EQ(input.problem->kind, JsonProblemKind::kTooLarge);
  EXPECT_TRUE(input.value.is_null());
}

TEST(JsonInputTest, MalformedTextSaysWhereAndStaysShort) {
  const JsonInput input = ParseJsonWithin(R"({"a": tru})", {});
  ASSERT_TRUE(input.problem);
  EXPECT_EQ(input.problem->kind, JsonProblemKind::kMalformed);
  EXPECT_GT(input.problem->byte, 0u);
  EXPECT_EQ(input.problem->message.find("[json.exception"), std::string::npos);

  const JsonInput long_token = ParseJsonWithin("\"" + std::string(100000, 'x'), {});
  ASSERT_TRUE(long_token.problem);
  EXPECT_LE(long_token.problem->message.size(), 210u);
  EXPECT_TRUE(ParseJsonWithin("", {}).problem);
  EXPECT_TRUE(ParseJsonWithin("{} {}", {}).problem);
  EXPECT_TRUE(ParseJsonWithin("\"\xff\"", {}).problem);
}

}  // namespace
}  // namespace recon
