#pragma once
// The HTTP types of the API: Beast's string-bodied request and response. Handlers take a Request and return a
// Response, so they are tested without a socket.
#include <boost/beast/http.hpp>
#include <string_view>

namespace recon::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Beast 1.74 uses boost::string_view; the rest of recon speaks std::string_view.
inline std::string_view View(boost::beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace recon::server
