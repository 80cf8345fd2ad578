// The store factory: the one place that maps a store URL to a backend.
#include "recon/store/store.hpp"

#include "recon/core/error.hpp"
#include "recon/store/sqlite_store.hpp"

namespace recon::store {

std::unique_ptr<Store> OpenStore(const StoreUrl& url) {
  switch (url.backend) {
    case StoreBackend::kSqlite: return OpenSqliteStore(url.location);
    case StoreBackend::kPostgres: break;
  }
  ThrowInvalidInput("store.url '" + url.Redacted() +
                    "': the PostgreSQL backend is not built into this recon yet; use sqlite:PATH");
}

std::unique_ptr<Store> OpenStore(std::string_view url) { return OpenStore(ParseStoreUrl(url)); }

}  // namespace recon::store
