#pragma once
// A minimal HTTP POST over libcurl for JSON APIs. One client per worker thread: it keeps its connection alive
// between requests (libcurl easy handles are not shareable across threads). Transport failures are returned, not
// thrown, because the caller's retry policy treats them like 5xx answers.
#include <optional>
#include <string>
#include <vector>

#include "recon/core/cancellation.hpp"

namespace recon::llm {

struct HttpResponse {
  long status = 0;                     ///< HTTP status; 0 when no answer arrived
  std::string body;
  std::optional<double> retry_after_s;  ///< a Retry-After header in seconds, when the server sent one
  bool timed_out = false;
  std::string transport_error;  ///< libcurl's reason when no answer arrived ("Connection refused"...)
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// POSTs `body` as application/json with the given extra headers ("Name: value"). A transfer in progress is
  /// abandoned soon after `cancellation` (optional) is cancelled.
  HttpResponse PostJson(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                        int timeout_ms, const Cancellation* cancellation = nullptr);

 private:
  void* handle_;  // CURL*, kept opaque so callers do not include curl.h
};

}  // namespace recon::llm
