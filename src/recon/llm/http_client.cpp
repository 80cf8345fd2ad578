#include "recon/llm/http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <memory>

#include "recon/core/error.hpp"

namespace recon::llm {
namespace {

// libcurl must be initialised once per process before any thread uses it; a function-local static does that
// exactly once and never changes afterwards.
void EnsureCurlInitialised() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) ThrowUnavailable(std::string("libcurl failed to initialise: ") + curl_easy_strerror(code));
}

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t ReadHeader(char* data, std::size_t size, std::size_t count, void* user) {
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool matches = true;
    for (std::size_t idx = 0; idx < kName.size(); ++idx) {
      if (std::tolower(static_cast<unsigned char>(line[idx])) != kName[idx]) matches = false;
    }
    if (matches) {
      // Only the delta-seconds form; an HTTP-date leaves the caller's own backoff in charge.
      const std::string value(line.substr(kName.size()));
      char* end = nullptr;
      const double seconds = std::strtod(value.c_str(), &end);
      if (end != value.c_str() && seconds >= 0.0) static_cast<HttpResponse*>(user)->retry_after_s = seconds;
    }
  }
  return size * count;
}

int CheckCancelled(void* user, curl_off_t /*dltotal*/, curl_off_t /*dlnow*/, curl_off_t /*ultotal*/,
                   curl_off_t /*ulnow*/) {
  return static_cast<const Cancellation*>(user)->Cancelled() ? 1 : 0;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
};

}  // namespace

HttpClient::HttpClient() {
  EnsureCurlInitialised();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) ThrowUnavailable("libcurl could not create a handle");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

HttpResponse HttpClient::PostJson(const std::string& url, const std::vector<std::string>& headers,
                                  const std::string& body, int timeout_ms, const Cancellation* cancellation) {
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);
  HttpResponse response;
  HeaderList header_list;
  header_list.list = curl_slist_append(header_list.list, "Content-Type: application/json");
  for (const std::string& header : headers) header_list.list = curl_slist_append(header_list.list, header.c_str());
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.list);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in worker threads
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (cancellation != nullptr) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, CheckCancelled);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancellation);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    response.status = 0;
    response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    response.transport_error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace recon::llm
