#include "recon/store/store_url.hpp"

#include <algorithm>

#include "recon/core/error.hpp"

namespace recon::store {
namespace {

constexpr std::string_view kForms = "sqlite:PATH (e.g. sqlite:var/recon.db), sqlite:///ABSOLUTE/PATH";

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// "scheme://user:secret@host/db?password=x" -> "scheme://user:***@host/db?password=***"; text without a password
// is returned as it is.
std::string RedactPassword(std::string_view text) {
  std::string redacted(text);
  const std::size_t authority = redacted.find("://");
  if (authority != std::string::npos) {
    const std::size_t start = authority + 3;
    const std::size_t end = std::min(redacted.find_first_of("/?#", start), redacted.size());
    const std::size_t at = redacted.rfind('@', end - 1);
    if (at != std::string::npos && at >= start) {
      const std::size_t colon = redacted.find(':', start);
      if (colon < at) redacted.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (std::size_t query = redacted.find("password="); query != std::string::npos;
       query = redacted.find("password=", query + 12)) {
    const std::size_t value_end = std::min(redacted.find('&', query), redacted.size());
    redacted.replace(query + 9, value_end - query - 9, "***");
  }
  return redacted;
}

}  // namespace

std::string StoreUrl::Redacted() const { return RedactPassword(text); }

std::string StoreUrl::Where() const { return backend == StoreBackend::kSqlite ? location : Redacted(); }

StoreUrl ParseStoreUrl(std::string_view text, std::string_view key) {
  const std::string name(key);
  StoreUrl url;
  url.text = std::string(text);
  if (StartsWith(text, "sqlite:")) {
    url.backend = StoreBackend::kSqlite;
    std::string_view path = text.substr(7);
    if (StartsWith(path, "//")) path.remove_prefix(2);
    if (path.empty() || path == ":memory:") {
      ThrowInvalidInput(name + " '" + url.text + "' names no file; use " + std::string(kForms));
    }
    url.location = std::string(path);
    return url;
  }
  if (StartsWith(text, "postgresql://") || StartsWith(text, "postgres://")) {
    url.backend = StoreBackend::kPostgres;
    url.location = url.text;
    return url;
  }
  const std::size_t colon = text.find(':');
  const std::string shown = RedactPassword(text);
  if (colon == std::string_view::npos || colon == 0) {
    ThrowInvalidInput(name + " '" + shown + "' names no backend; write " + std::string(kForms) +
                      " (a bare path was paths.store's form)");
  }
  ThrowInvalidInput(name + " '" + shown + "' names the unknown backend '" + std::string(text.substr(0, colon)) +
                    "'; this recon opens " + std::string(kForms) + " (postgresql:// is not built yet)");
}

bool BackendBuilt(StoreBackend backend) { return backend == StoreBackend::kSqlite; }

void StoreParams::Validate() const {
  const StoreUrl parsed = ParseStoreUrl(url, "store.url");
  if (!BackendBuilt(parsed.backend)) {
    ThrowInvalidInput("store.url '" + parsed.Redacted() +
                      "': the PostgreSQL backend is not built into this recon yet; use " + std::string(kForms));
  }
}

}  // namespace recon::store
