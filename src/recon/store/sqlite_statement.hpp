#pragma once
// SQLite helpers shared by the store and its schema: a prepared statement that finalises itself and turns
// SQLite's error codes into recon::Error, and a statement run for its effect. Internal to recon_store.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "recon/core/error.hpp"

namespace recon::store {

/// One prepared statement; binds are 1-based, columns 0-based.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) {
      ThrowInternal(std::string("SQLite could not prepare a statement: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Binds a copy of `text`.
  Statement& Bind(int index, std::string_view text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  /// Binds without SQLite's copy; `text` must stay valid until Reset (which clears the bindings).
  Statement& BindUncopied(int index, std::string_view text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
  }
  /// Binds an integer.
  Statement& Bind(int index, std::int64_t value) {
    sqlite3_bind_int64(statement_, index, value);
    return *this;
  }
  /// Binds a real.
  Statement& Bind(int index, double value) {
    sqlite3_bind_double(statement_, index, value);
    return *this;
  }
  /// Steps once; true when a row is available.
  bool Step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    ThrowUnavailable(std::string("SQLite error: ") + sqlite3_errmsg(db_));
  }
  /// Ready to run again, with no bindings.
  void Reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  /// Column `column` of the current row as an integer.
  std::int64_t Int(int column) const { return sqlite3_column_int64(statement_, column); }
  /// Column `column` of the current row as a real.
  double Double(int column) const { return sqlite3_column_double(statement_, column); }
  /// Column `column` of the current row as text ("" for NULL).
  std::string Text(int column) const {
    const auto* text = sqlite3_column_text(statement_, column);
    return text ? reinterpret_cast<const char*>(text) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

/// Runs `sql` (one or more statements) for its effect; throws Unavailable naming the store at `path`.
inline void ExecuteSql(sqlite3* db, const std::string& sql, const std::string& path) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string reason = message ? message : "unknown error";
    sqlite3_free(message);
    ThrowUnavailable("store '" + path + "': " + reason);
  }
}

}  // namespace recon::store
