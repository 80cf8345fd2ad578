#pragma once
// What one WebSocket text message asks for, and its answer: {"subscribe": "anomalies"} / {"unsubscribe":
// "anomalies"} change the connection's place in the live feed; anything else is a trade, answered with its verdict.
// This is the WebSocket transport's error funnel: no exception leaves AnswerWsMessage, so no message can end the
// I/O loop; each failure becomes {"type": "error", "error": ..., "detail": ...} and the connection stays up.
#include <functional>
#include <string>
#include <string_view>

#include "recon/server/api.hpp"

namespace recon::server {

/// How a message joins or leaves the live feed (the session's hub membership; no-ops in a fuzz run).
struct FeedMembership {
  std::function<void()> join;
  std::function<void()> leave;
};

/// The answer to one text message, as the JSON text to send back. Never throws.
std::string AnswerWsMessage(std::string_view text, Api& api, const FeedMembership& membership);

}  // namespace recon::server
