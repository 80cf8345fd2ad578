#pragma once
// The persistence seam. Each concern has its own interface (runs, anomalies and their audit trail, tickets,
// reviewer feedback, the e-mail outbox, the LLM cache), so a caller depends on what it uses: the resolver on
// TicketStore, the LLM categoriser on LlmCacheStore, the outbox sender on OutboxStore. A backend implements them
// all as one Store, opened by OpenStore from the configured URL (store_url.hpp). Writes are idempotent on natural
// keys, so re-running a file or retrying a request never duplicates an anomaly or a ticket; every backend passes
// the one contract suite in tests/unit/store/store_contract_test.cpp. SQLite is the embedded default; PostgreSQL
// comes next.
#include <cstdint>
#include <memory>
#include <string_view>

#include "recon/store/anomaly_store.hpp"
#include "recon/store/feedback_store.hpp"
#include "recon/store/llm_cache_store.hpp"
#include "recon/store/outbox_store.hpp"
#include "recon/store/run_store.hpp"
#include "recon/store/store_url.hpp"
#include "recon/store/ticket_store.hpp"

namespace recon::store {

/// One connection to a store, with every concern's interface. Not safe for concurrent use: each thread (or
/// request) that writes opens its own.
class Store : public RunStore,
              public AnomalyStore,
              public TicketStore,
              public FeedbackStore,
              public OutboxStore,
              public LlmCacheStore {
 public:
  ~Store() override = default;
  /// A number that changes whenever another connection (another process, or another Store on the same store)
  /// commits a change; this connection's own commits leave it as it is. For caches kept beside the store.
  virtual std::uint64_t ChangesByOthers() = 0;
};

/// Opens (creating where the backend can) the store at `url`. Throws InvalidInput for a backend this build lacks,
/// Unavailable when it cannot be reached, Corrupt when it is not a recon store, Conflict when a newer recon wrote it.
std::unique_ptr<Store> OpenStore(const StoreUrl& url);
/// OpenStore(ParseStoreUrl(url)): the form callers use with the configured `store.url`.
std::unique_ptr<Store> OpenStore(std::string_view url);

}  // namespace recon::store
