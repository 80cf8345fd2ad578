#pragma once
// One error model for the whole product (see README "Errors"):
//  - a bad input row never throws; it becomes an io::RowError and is counted;
//  - a failed operation throws recon::Error with a Kind and a message that says what to do;
//  - each boundary (CLI, later HTTP) maps the Kind to an exit code or a status.
#include <stdexcept>
#include <string>
#include <string_view>

namespace recon {

/// What went wrong, as far as the caller can act on it.
enum class ErrorKind {
  kInvalidInput,  ///< the user's input or configuration is wrong; fix it and retry
  kNotFound,      ///< a named file or record does not exist
  kConflict,      ///< the operation clashes with existing state
  kUnavailable,   ///< a resource (disk, database, server) could not be reached
  kCorrupt,       ///< stored data (model file, database) failed its integrity checks
  kInternal,      ///< a bug in recon
};

/// Human-readable name of a kind ("invalid input", ...).
std::string_view ErrorKindName(ErrorKind kind);

/// The single exception type that crosses module boundaries.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  /// The category of failure, used by boundaries to pick an exit code or HTTP status.
  ErrorKind Kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

/// Shorthands that read well at the throw site.
[[noreturn]] void ThrowInvalidInput(const std::string& message);
[[noreturn]] void ThrowNotFound(const std::string& message);
[[noreturn]] void ThrowConflict(const std::string& message);
[[noreturn]] void ThrowUnavailable(const std::string& message);
[[noreturn]] void ThrowCorrupt(const std::string& message);
[[noreturn]] void ThrowInternal(const std::string& message);

}  // namespace recon

/// Programmer-error check: user input must never be able to trip it.
#define RECON_ASSERT(condition)                                                                         \
  do {                                                                                                  \
    if (!(condition)) {                                                                                 \
      ::recon::ThrowInternal(std::string("assertion failed: ") + #condition + " at " + __FILE__ + ":" + \
                             std::to_string(__LINE__));                                                 \
    }                                                                                                   \
  } while (false)
