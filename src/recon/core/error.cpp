#include "recon/core/error.hpp"

namespace recon {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput: return "invalid input";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kCorrupt: return "corrupt";
    case ErrorKind::kInternal: return "internal error";
  }
  return "unknown";
}

void ThrowInvalidInput(const std::string& message) { throw Error(ErrorKind::kInvalidInput, message); }
void ThrowNotFound(const std::string& message) { throw Error(ErrorKind::kNotFound, message); }
void ThrowConflict(const std::string& message) { throw Error(ErrorKind::kConflict, message); }
void ThrowUnavailable(const std::string& message) { throw Error(ErrorKind::kUnavailable, message); }
void ThrowCorrupt(const std::string& message) { throw Error(ErrorKind::kCorrupt, message); }
void ThrowInternal(const std::string& message) { throw Error(ErrorKind::kInternal, message); }

}  // namespace recon
