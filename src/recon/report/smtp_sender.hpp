#pragma once
// Sends one outbox mail over SMTP with libcurl: STARTTLS required by default (the session fails rather than
// falling back to plain text), implicit TLS with security "tls", AUTH with the username and the password from
// the environment. The message is MIME: multipart/mixed of multipart/alternative (text, HTML) and the CSV,
// base64-encoded. Headers are built only from cleaned values (mail_builder.hpp) and validated addresses.
#include <string>

#include "recon/report/email_params.hpp"
#include "recon/store/outbox_store.hpp"

namespace recon::report {

/// "" when the server accepted the mail; otherwise what went wrong, for the outbox's attempt log (no password).
std::string SendMail(const store::OutboxMail& mail, const EmailParams& params, const std::string& password);

}  // namespace recon::report
