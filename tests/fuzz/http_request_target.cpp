// The HTTP request path in process: the bytes a client sends on one connection go through Beast's request parser
// (the server's body limit, eager body), and each request that parses is answered as HttpSession answers it: an
// upgrade is checked for authorisation, anything else goes to Api::Handle against a real scoring service. Up to
// four pipelined requests per input, while the client keeps the connection alive. What the session itself answers
// (400 for a malformed request, 413 past the body limit) is not reached here: the input just ends.
//
// Handle never throws (nothing is caught here), and every answer must be a well-formed HTTP response: it
// serialises, Beast parses it back with the same status and body, a JSON content type carries valid JSON, and the
// status is below 500 except 503 (a 500 means an exception other than a client's problem reached the funnel).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <sstream>
#include <string>

#include "fuzz/fuzz_targets.hpp"
#include "fuzz/service_fixture.hpp"

namespace recon::fuzz {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr int kMaxRequestsPerInput = 4;

// Parses one request from the front of `rest`, consuming what it used. False when the input ends first or is
// not HTTP: the connection would be answered 400/413 by the session, or would wait for more.
bool ReadRequest(std::string_view& rest, std::size_t body_limit, server::Request& request) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.eager(true);
  beast::error_code error;
  while (!parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), error);
    rest.remove_prefix(used);
    if (error == http::error::need_more) {
      if (used > 0 && !rest.empty()) {
        error = {};
        continue;
      }
      return false;  // the client has sent no more: the server would wait for it (and time out)
    }
    if (error) return false;
    if (used == 0 && !parser.is_done()) return false;
  }
  request = parser.release();
  return true;
}

void CheckResponse(const server::Response& response) {
  const unsigned status = response.result_int();
  Require(status >= 200 && status < 600, "a response status outside 200..599: " + std::to_string(status));
  std::string detail = response.body().substr(0, 300);
  if (status >= 500 && status != 503) detail += "; the log says: " + ServiceFixture::Get().LastLogLine();
  Require(status < 500 || status == 503, "status " + std::to_string(status) + ": " + detail);

  std::ostringstream wire;
  wire << response;  // Beast's serializer, as async_write uses it
  const std::string bytes = wire.str();
  http::response_parser<http::string_body> parser;
  parser.body_limit(bytes.size());
  parser.eager(true);
  beast::error_code error;
  std::string_view unread = bytes;
  while (!error && !parser.is_done() && !unread.empty()) {
    const std::size_t used = parser.put(boost::asio::buffer(unread.data(), unread.size()), error);
    unread.remove_prefix(used);
    if (used == 0) break;
  }
  if (error == http::error::need_more) error = {};
  if (!error && !parser.is_done()) parser.put_eof(error);
  Require(!error && parser.is_done() && unread.empty(), "the response does not parse back: " + error.message());
  Require(parser.get().result_int() == status, "the response parses back with another status");
  Require(parser.get().body() == response.body(), "the response parses back with another body");
  const std::string_view content_type = server::View(response[http::field::content_type]);
  if (content_type.rfind("application/json", 0) == 0) {
    Require(nlohmann::json::accept(response.body()), "a JSON response whose body is not JSON: " + detail);
  }
}

}  // namespace

void FuzzHttpRequest(std::string_view input) {
  ServiceFixture& fixture = ServiceFixture::Get();
  std::string_view rest = input;
  for (int request_idx = 0; request_idx < kMaxRequestsPerInput; ++request_idx) {
    server::Request request;
    if (!ReadRequest(rest, fixture.Config().server.body_limit_bytes, request)) return;
    if (beast::websocket::is_upgrade(request)) {
      (void)fixture.Api().AuthorisedUpgrade(request);  // the session hands the stream to a WsSession or answers 401
      return;
    }
    (void)fixture.Api().RunsOnWorkPool(request);
    const server::Response response = fixture.Api().Handle(request);
    CheckResponse(response);
    if (!response.keep_alive()) return;
  }
}

}  // namespace recon::fuzz
