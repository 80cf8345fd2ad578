// The WebSocket message handler: any text is answered by AnswerWsMessage against a real scoring service (a trade
// is scored, stored when flagged; subscribe/unsubscribe change the feed membership, here counted). By contract it
// never throws, so nothing is caught here. The answer must be one JSON object with a string "type"; an "internal
// error" answer means an exception other than a client's problem reached the funnel, which is a finding too.
#include <string>

#include "fuzz/fuzz_targets.hpp"
#include "fuzz/service_fixture.hpp"
#include "recon/server/ws_messages.hpp"

namespace recon::fuzz {

using nlohmann::json;

void FuzzWsMessage(std::string_view input) {
  ServiceFixture& fixture = ServiceFixture::Get();
  int joined = 0;
  int left = 0;
  const server::FeedMembership membership{[&joined] { ++joined; }, [&left] { ++left; }};
  const std::string answer = server::AnswerWsMessage(input, fixture.Api(), membership);
  const json message = json::parse(answer, nullptr, /*allow_exceptions=*/false);
  Require(message.is_object(), "the answer is not a JSON object: " + answer.substr(0, 200));
  const auto type = message.find("type");
  Require(type != message.end() && type->is_string(), "the answer has no string \"type\": " + answer.substr(0, 200));
  const std::string& kind = type->get_ref<const std::string&>();
  Require(joined == (kind == "subscribed" ? 1 : 0) && left == (kind == "unsubscribed" ? 1 : 0),
          "feed membership changed without being answered so: " + answer.substr(0, 200));
  if (kind == "error") {
    const auto detail = message.find("detail");
    Require(detail == message.end() || *detail != "internal error",
            "an internal error answer; the log says: " + fixture.LastLogLine());
  }
}

}  // namespace recon::fuzz
