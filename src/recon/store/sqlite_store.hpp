#pragma once
// The SQLite backend's entry point, for the store factory (store.cpp) only: everything else opens a store with
// OpenStore and a `sqlite:` URL.
#include <memory>
#include <string>

#include "recon/store/store.hpp"

namespace recon::store {

/// Opens the SQLite store at `path` (created with its folder when missing). Throws Unavailable, Corrupt or Conflict.
std::unique_ptr<Store> OpenSqliteStore(const std::string& path);

}  // namespace recon::store
