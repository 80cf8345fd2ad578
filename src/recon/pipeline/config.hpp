#pragma once
// The whole configuration: each component's *Params struct (its single source of defaults and validation),
// gathered under the section names of config.yaml. LoadConfig starts from these defaults and overrides what the
// file sets; an unknown key is an error naming it, so a typo never silently falls back to a default.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recon/categorise/local_categoriser.hpp"
#include "recon/categorise/valuation.hpp"
#include "recon/core/logger.hpp"
#include "recon/core/schema.hpp"
#include "recon/features/feature_params.hpp"
#include "recon/io/csv_reader.hpp"
#include "recon/llm/llm_params.hpp"
#include "recon/report/email_params.hpp"
#include "recon/models/detector.hpp"
#include "recon/models/isolation_forest/params.hpp"
#include "recon/models/kmeans/params.hpp"
#include "recon/models/lof/params.hpp"
#include "recon/resolve/resolver.hpp"
#include "recon/store/store_url.hpp"

namespace recon::pipeline {

/// Where recon keeps its model and writes its results (section `paths:`; the store is `store.url`). The deprecated
/// key `paths.store: PATH` is still read, as `store.url: sqlite:PATH`, and reported in Config::deprecations.
struct PathParams {
  std::string model = "var/models/recon.model";  ///< model bundle; trained here when missing
  std::string output = "var/anomalies.csv";      ///< default anomalies CSV (--out overrides)
};

/// Detector choice and training (section `detector:`).
struct DetectorParams {
  std::string algorithm = "iforest";      ///< iforest | eif | lof (eif takes the iforest settings)
  double contamination = 0.03;            ///< share of training rows above the threshold
  std::optional<double> score_threshold;  ///< explicit threshold; overrides contamination when set
  int train_max_rows = 100000;  ///< rows the models are fitted on (reservoir sample in train; leading rows in detect)
  models::IsolationForestParams iforest;
  models::LofParams lof;
  void Validate() const;
};

/// A new, unfitted detector of the configured algorithm.
std::unique_ptr<models::Detector> MakeDetector(const DetectorParams& params);

/// The seed of the configured algorithm (lof.seed for LOF, iforest.seed otherwise), which also seeds the training
/// sample it is fitted on.
std::uint64_t TrainingSeed(const DetectorParams& params);

/// Clustering (section `clustering:`).
struct ClusteringParams {
  models::KMeansParams kmeans;
  int train_max_rows = 20000;  ///< rows of the training sample KMeans is fitted on
  int auto_k_max = 0;          ///< 0: use kmeans.k; else k in 2..auto_k_max with the best mean silhouette
  int silhouette_rows = 2000;  ///< rows the silhouettes are computed on (exact, O(rows^2))
  void Validate() const;
};

/// `recon serve` (section `server:`).
struct ServerParams {
  std::string host = "127.0.0.1";         ///< bind address; anything but loopback requires API keys
  int port = 8000;                        ///< 0 = any free port (printed at start-up)
  int threads = 0;                        ///< I/O threads; 0 = all cores
  std::size_t body_limit_bytes = 8 << 20;  ///< larger request bodies get 413
  int read_timeout_ms = 30000;            ///< a request (or WebSocket message) must arrive within this
  int write_timeout_ms = 60000;           ///< a response (or WebSocket message) must be taken by the client within this
  std::size_t max_json_depth = 32;        ///< JSON bodies and messages nested deeper get 422
  std::size_t max_json_values = 1'000'000;  ///< JSON bodies with more values get 422 (a value costs ~30x its text)
  std::size_t max_response_bytes = 16 << 20;  ///< a page of GET /anomalies stops at this size (next_offset goes on)
  std::string api_keys_env = "RECON_API_KEYS";  ///< env var with comma-separated API keys (Bearer)
  std::size_t ws_max_queued_messages = 1024;    ///< a subscriber further behind than this is disconnected
  std::size_t max_batch_trades = 10000;         ///< trades per /batch_anomaly/ request
  std::string train_data;       ///< CSV to train on at start-up when the model is missing ("" = start degraded)
  int shutdown_grace_ms = 10000;  ///< how long in-flight requests may take to finish on SIGTERM
  void Validate() const;
};

struct Config {
  PathParams paths;
  store::StoreParams store;
  LoggingParams logging;
  ColumnMapping columns;
  io::CsvReaderParams ingest;
  features::FeatureParams features;
  DetectorParams detector;
  ClusteringParams clustering;
  categorise::LocalCategoriserParams categoriser;
  categorise::ValuationParams valuation;
  resolve::ResolveParams resolution;
  llm::LlmParams llm;
  ServerParams server;
  report::EmailParams email;
  int threads = 0;  ///< worker threads for scoring and clustering; 0 = all cores
  /// Deprecated keys the file used, each with its replacement: the CLI warns of them. Not configuration itself.
  std::vector<std::string> deprecations;
  /// Validates every section; the error names the key.
  void Validate() const;
};

/// Defaults overridden by the YAML file at `path`. Throws NotFound or InvalidInput (naming the key and file).
Config LoadConfig(const std::string& path);
/// The same for YAML text, named `origin` in errors. Throws only recon::Error (InvalidInput), whatever the text.
Config LoadConfigFromText(std::string_view text, const std::string& origin);

/// The effective configuration as YAML (what `recon config` prints).
std::string DumpConfig(const Config& config);

}  // namespace recon::pipeline
