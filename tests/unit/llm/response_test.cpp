#include "recon/llm/response.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace recon::llm {
namespace {

using categorise::Category;

std::string Completion(const std::string& content) {
  return nlohmann::json{{"choices", {{{"message", {{"role", "assistant"}, {"content", content}}}}}},
                        {"usage", {{"prompt_tokens", 321}, {"completion_tokens", 45}}}}
      .dump();
}

std::string Problem(const std::string& content) {
  const auto parsed = ParseAnswer(content);
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

TEST(ResponseTest, AValidAnswerIsReadWithItsUsage) {
  const auto parsed = ParseCompletion(Completion(
      R"({"category":"FX Rate Difference","severity":"high","summary":"Converted at another rate.","confidence":0.8})"));
  ASSERT_TRUE(parsed.ok());
  const auto& answer = std::get<LlmAnswer>(parsed.answer_or_problem);
  EXPECT_EQ(answer.category, Category::kFxRateDifference);
  EXPECT_EQ(answer.severity, categorise::Severity::kHigh);
  EXPECT_EQ(answer.summary, "Converted at another rate.");
  EXPECT_DOUBLE_EQ(answer.confidence, 0.8);
  EXPECT_EQ(parsed.usage.prompt_tokens, 321u);
  EXPECT_EQ(parsed.usage.completion_tokens, 45u);
}

TEST(ResponseTest, AFencedAnswerFromALocalServerIsAccepted) {
  const auto parsed = ParseAnswer(
      "```json\n{\"category\":\"Unknown\",\"severity\":\"low\",\"summary\":\"Unclear.\",\"confidence\":0.2}\n```");
  ASSERT_TRUE(std::holds_alternative<LlmAnswer>(parsed));
  EXPECT_EQ(std::get<LlmAnswer>(parsed).category, Category::kUnknown);
}

TEST(ResponseTest, EveryInvalidAnswerIsRefusedWithItsReason) {
  EXPECT_NE(Problem("{\"category\": \"Price Mis").find("not valid JSON"), std::string::npos);
  EXPECT_NE(Problem("[1,2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(Problem(R"({"category":"Cosmic Rays","severity":"low","summary":"s","confidence":0.5})")
                .find("not on the bucket list"),
            std::string::npos);
  EXPECT_NE(Problem(R"({"category":"Unknown","severity":"urgent","summary":"s","confidence":0.5})").find("severity"),
            std::string::npos);
  EXPECT_NE(Problem(R"({"category":"Unknown","severity":"low","summary":"","confidence":0.5})").find("empty"),
            std::string::npos);
  const std::string long_summary =
      R"({"category":"Unknown","severity":"low","summary":")" + std::string(301, 'x') + R"(","confidence":0.5})";
  EXPECT_NE(Problem(long_summary).find("more than 300"), std::string::npos);
  EXPECT_NE(Problem(R"({"category":"Unknown","severity":"low","summary":"s","confidence":1.5})").find("confidence"),
            std::string::npos);
  EXPECT_NE(Problem(R"({"category":"Unknown","severity":"low","summary":"s","confidence":"high"})").find("confidence"),
            std::string::npos);
  EXPECT_FALSE(ParseCompletion("<html>502 Bad Gateway</html>").ok());
  EXPECT_FALSE(ParseCompletion(R"({"choices":[]})").ok());
}

TEST(ResponseTest, ControlCharactersInTheSummaryBecomeSpaces) {
  const auto parsed =
      ParseAnswer(R"({"category":"Unknown","severity":"low","summary":"line one\r\nBcc: x@evil","confidence":0.5})");
  ASSERT_TRUE(std::holds_alternative<LlmAnswer>(parsed));
  EXPECT_EQ(std::get<LlmAnswer>(parsed).summary, "line one  Bcc: x@evil");
}

}  // namespace
}  // namespace recon::llm
