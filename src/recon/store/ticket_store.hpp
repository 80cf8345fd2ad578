#pragma once
// Tickets: one per anomaly key, numbered from a persistent sequence, so IDs never repeat across restarts or
// between processes sharing the store.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace recon::store {

/// The ticket sequence (what the resolver needs of the store).
class TicketStore {
 public:
  virtual ~TicketStore() = default;
  /// The ticket of each anomaly key, issuing the next number of the persistent sequence where none exists yet
  /// (`prefix` followed by the number, zero-padded to six digits). Asking again for a key returns its ticket.
  virtual std::vector<std::string> IssueTickets(std::span<const std::string> anomaly_keys, std::string_view prefix) = 0;
  /// How many tickets have been issued.
  virtual std::uint64_t CountTickets() = 0;
};

}  // namespace recon::store
