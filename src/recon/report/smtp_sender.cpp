#include "recon/report/smtp_sender.hpp"

#include <curl/curl.h>

#include <filesystem>
#include <memory>

#include "recon/core/date.hpp"
#include "recon/report/mail_builder.hpp"

namespace recon::report {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::string Join(const std::vector<std::string>& addresses) {
  std::string out;
  for (const std::string& address : addresses) out += (out.empty() ? "" : ", ") + address;
  return out;
}

std::string RfcDate() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return buffer;
}

}  // namespace

std::string SendMail(const store::OutboxMail& mail, const EmailParams& params, const std::string& password) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) return std::string("libcurl failed to initialise: ") + curl_easy_strerror(init);
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return "libcurl could not create a handle";
  const std::string scheme = params.security == "tls" ? "smtps://" : "smtp://";
  const std::string url = scheme + params.smtp_host + ":" + std::to_string(params.smtp_port);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (params.security == "starttls") curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!params.ca_file.empty()) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, params.ca_file.c_str());
  if (!params.username.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_USERNAME, params.username.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, password.c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(params.timeout_ms));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  const std::string mail_from = "<" + params.from + ">";
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, mail_from.c_str());
  std::unique_ptr<curl_slist, ListDeleter> recipients;
  for (const auto* list : {&params.to, &params.cc}) {
    for (const std::string& address : *list) {
      if (!IsValidAddress(address)) return "refused to send: invalid recipient address '" + address + "'";
      recipients.reset(curl_slist_append(recipients.release(), ("<" + address + ">").c_str()));
    }
  }
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());

  // Every header value is either configuration (validated addresses) or cleaned text: none can hold CR or LF.
  std::vector<std::string> header_lines = {"Date: " + RfcDate(), "From: " + params.from, "To: " + Join(params.to),
                                           "Subject: " + SafeHeaderText(mail.subject, 250),
                                           "Message-ID: " + SafeHeaderText(mail.message_id, 250),
                                           "X-Recon-Kind: " + SafeHeaderText(mail.kind, 40)};
  if (!params.cc.empty()) header_lines.push_back("Cc: " + Join(params.cc));
  std::unique_ptr<curl_slist, ListDeleter> headers;
  for (const std::string& line : header_lines) headers.reset(curl_slist_append(headers.release(), line.c_str()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());

  std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(curl.get()));
  curl_mime* alternative = curl_mime_init(curl.get());
  curl_mimepart* text = curl_mime_addpart(alternative);
  curl_mime_data(text, mail.text.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(text, "text/plain; charset=utf-8");
  curl_mime_encoder(text, "quoted-printable");
  curl_mimepart* html = curl_mime_addpart(alternative);
  curl_mime_data(html, mail.html.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(html, "text/html; charset=utf-8");
  curl_mime_encoder(html, "quoted-printable");
  curl_mimepart* body = curl_mime_addpart(mime.get());
  curl_mime_subparts(body, alternative);  // takes ownership of `alternative`
  curl_mime_type(body, "multipart/alternative");
  std::unique_ptr<curl_slist, ListDeleter> inline_disposition(curl_slist_append(nullptr, "Content-Disposition: inline"));
  curl_mime_headers(body, inline_disposition.release(), 1);
  if (!mail.attachment_path.empty()) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(mail.attachment_path, error)) {
      return "attachment '" + mail.attachment_path + "' no longer exists";
    }
    curl_mimepart* attachment = curl_mime_addpart(mime.get());
    curl_mime_filedata(attachment, mail.attachment_path.c_str());
    curl_mime_filename(attachment,
                       SafeHeaderText(std::filesystem::path(mail.attachment_path).filename().string(), 100).c_str());
    curl_mime_type(attachment, "text/csv");
    curl_mime_encoder(attachment, "base64");
  }
  curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime.get());
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code == CURLE_OK) return "";
  std::string reason = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  return "SMTP " + params.smtp_host + ":" + std::to_string(params.smtp_port) + ": " + reason;
}

}  // namespace recon::report
