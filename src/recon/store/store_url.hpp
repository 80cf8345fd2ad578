#pragma once
// Where the store is: one URL in the configuration (`store.url`), whose scheme picks the backend.
//   sqlite:PATH       a SQLite file, PATH relative to the working directory or absolute (sqlite:var/recon.db,
//                     sqlite:/var/lib/recon/recon.db)
//   sqlite://PATH     the same, PATH written after the two slashes (sqlite:///var/lib/recon/recon.db is absolute,
//                     as in file:///; sqlite://var/recon.db is relative)
//   postgresql://...  (or postgres://) a PostgreSQL connection URI: recognised, not built yet
// Anything else is refused with the forms that work.
#include <string>
#include <string_view>

namespace recon::store {

/// The backends a store URL can name.
enum class StoreBackend { kSqlite, kPostgres };

/// A parsed store URL.
struct StoreUrl {
  StoreBackend backend = StoreBackend::kSqlite;
  std::string location;  ///< SQLite: the file's path; PostgreSQL: the whole connection URI
  std::string text;      ///< the URL as written
  /// The URL with any password replaced by "***": what messages and logs may show.
  std::string Redacted() const;
  /// Where the store is, for health reports and logs: the file's path for SQLite, the redacted URL otherwise.
  std::string Where() const;
};

/// Parses a store URL. Throws InvalidInput naming `key` (the config key it came from) and the accepted forms.
StoreUrl ParseStoreUrl(std::string_view text, std::string_view key = "store.url");

/// Whether this build can open stores of `backend`.
bool BackendBuilt(StoreBackend backend);

/// The store's configuration (section `store:`).
struct StoreParams {
  std::string url = "sqlite:var/recon.db";  ///< where the store is (forms above)
  /// Throws InvalidInput naming store.url when it does not parse or names a backend this build lacks.
  void Validate() const;
};

}  // namespace recon::store
