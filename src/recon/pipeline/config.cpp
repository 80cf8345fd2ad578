#include "recon/pipeline/config.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "recon/core/error.hpp"
#include "recon/models/extended_isolation_forest/extended_isolation_forest.hpp"
#include "recon/models/isolation_forest/isolation_forest.hpp"
#include "recon/models/lof/local_outlier_factor.hpp"

namespace recon::pipeline {
namespace {

// Walks one mapping node, dispatching each key to a setter; unknown keys are errors naming their full path.
class Section {
 public:
  Section(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) ThrowInvalidInput("config: '" + path_ + "' must be a mapping");
  }
  template <typename T>
  Section& Value(const std::string& key, T& target) {
    handlers_[key] = [this, key, &target](const YAML::Node& value) {
      try {
        target = value.as<T>();
      } catch (const YAML::Exception&) {
        ThrowInvalidInput("config: '" + Path(key) + "' has the wrong type (line " +
                          std::to_string(value.Mark().line + 1) + ")");
      }
    };
    return *this;
  }
  Section& Optional(const std::string& key, std::optional<double>& target) {
    handlers_[key] = [this, key, &target](const YAML::Node& value) {
      if (value.IsNull()) {
        target.reset();
        return;
      }
      try {
        target = value.as<double>();
      } catch (const YAML::Exception&) {
        ThrowInvalidInput("config: '" + Path(key) + "' must be a number or null");
      }
    };
    return *this;
  }
  Section& Child(const std::string& key, std::function<void(const YAML::Node&, const std::string&)> reader) {
    handlers_[key] = [this, key, reader](const YAML::Node& value) { reader(value, Path(key)); };
    return *this;
  }
  void Apply() const {
    if (!node_ || node_.IsNull()) return;
    for (const auto& entry : node_) {
      if (!entry.first.IsScalar()) {
        ThrowInvalidInput("config: a key of '" + (path_.empty() ? std::string("the top level") : path_) +
                          "' is not a plain name (line " + std::to_string(entry.first.Mark().line + 1) + ")");
      }
      const auto key = entry.first.as<std::string>();
      const auto handler = handlers_.find(key);
      if (handler == handlers_.end()) {
        std::string known;
        for (const auto& [name, unused] : handlers_) known += (known.empty() ? "" : ", ") + name;
        ThrowInvalidInput("config: unknown key '" + Path(key) + "' (line " +
                          std::to_string(entry.first.Mark().line + 1) + "); known keys here: " + known);
      }
      handler->second(entry.second);
    }
  }

 private:
  std::string Path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  YAML::Node node_;
  std::string path_;
  std::map<std::string, std::function<void(const YAML::Node&)>> handlers_;
};

void ReadColumns(const YAML::Node& node, const std::string& path, ColumnMapping& columns) {
  Section section(node, path);
  for (const FieldInfo& info : AllFields())
    section.Value(std::string(info.key), columns.headers[static_cast<std::size_t>(info.field)]);
  section.Apply();
}

void ReadConfig(const YAML::Node& root, Config& config) {
  Section top(root, "");
  top.Value("threads", config.threads);
  std::optional<std::string> legacy_store;  // paths.store, before store.url existed
  bool url_set = false;
  top.Child("paths", [&](const YAML::Node& node, const std::string& path) {
    Section(node, path)
        .Child("store",
               [&](const YAML::Node& value, const std::string& key) {
                 if (!value.IsScalar()) ThrowInvalidInput("config: '" + key + "' must be a path");
                 legacy_store = value.as<std::string>();
               })
        .Value("model", config.paths.model)
        .Value("output", config.paths.output)
        .Apply();
  });
  top.Child("store", [&](const YAML::Node& node, const std::string& path) {
    Section(node, path)
        .Child("url",
               [&](const YAML::Node& value, const std::string& key) {
                 if (!value.IsScalar()) ThrowInvalidInput("config: '" + key + "' must be a URL such as sqlite:var/recon.db");
                 config.store.url = value.as<std::string>();
                 url_set = true;
               })
        .Apply();
  });
  top.Child("logging", [&](const YAML::Node& node, const std::string& path) {
    auto& logging = config.logging;
    Section(node, path)
        .Value("dir", logging.dir)
        .Value("max_file_bytes", logging.max_file_bytes)
        .Value("max_files", logging.max_files)
        .Value("level", logging.level)
        .Apply();
  });
  top.Child("columns",
            [&](const YAML::Node& node, const std::string& path) { ReadColumns(node, path, config.columns); });
  top.Child("ingest", [&](const YAML::Node& node, const std::string& path) {
    auto& ingest = config.ingest;
    Section(node, path)
        .Value("batch_rows", ingest.batch_rows)
        .Value("read_chunk_bytes", ingest.read_chunk_bytes)
        .Value("max_field_bytes", ingest.max_field_bytes)
        .Apply();
  });
  top.Child("features", [&](const YAML::Node& node, const std::string& path) {
    auto& features = config.features;
    Section(node, path)
        .Value("rolling_window_trades", features.rolling_window_trades)
        .Value("duplicate_window_trades", features.duplicate_window_trades)
        .Value("categoricals", features.categoricals)
        .Value("model_features", features.model_features)
        .Apply();
  });
  top.Child("detector", [&](const YAML::Node& node, const std::string& path) {
    auto& detector = config.detector;
    Section(node, path)
        .Value("algorithm", detector.algorithm)
        .Value("contamination", detector.contamination)
        .Optional("score_threshold", detector.score_threshold)
        .Value("train_max_rows", detector.train_max_rows)
        .Child("iforest",
               [&](const YAML::Node& child, const std::string& child_path) {
                 Section(child, child_path)
                     .Value("n_estimators", detector.iforest.n_estimators)
                     .Value("max_samples", detector.iforest.max_samples)
                     .Value("seed", detector.iforest.seed)
                     .Apply();
               })
        .Child("lof",
               [&](const YAML::Node& child, const std::string& child_path) {
                 std::string scaling = models::ScalingName(detector.lof.scaling);
                 std::string metric = models::MetricName(detector.lof.metric);
                 Section(child, child_path)
                     .Value("n_neighbors", detector.lof.n_neighbors)
                     .Value("scaling", scaling)
                     .Value("metric", metric)
                     .Value("seed", detector.lof.seed)
                     .Apply();
                 detector.lof.scaling = models::ParseScaling(scaling, child_path + ".scaling");
                 detector.lof.metric = models::ParseMetric(metric, child_path + ".metric");
               })
        .Apply();
  });
  top.Child("clustering", [&](const YAML::Node& node, const std::string& path) {
    auto& clustering = config.clustering;
    Section(node, path)
        .Value("k", clustering.kmeans.k)
        .Value("n_init", clustering.kmeans.n_init)
        .Value("max_iter", clustering.kmeans.max_iter)
        .Value("tolerance", clustering.kmeans.tolerance)
        .Value("seed", clustering.kmeans.seed)
        .Value("train_max_rows", clustering.train_max_rows)
        .Value("auto_k_max", clustering.auto_k_max)
        .Value("silhouette_rows", clustering.silhouette_rows)
        .Apply();
  });
  top.Child("categoriser", [&](const YAML::Node& node, const std::string& path) {
    auto& categoriser = config.categoriser;
    Section(node, path)
        .Value("extra_comments_path", categoriser.extra_comments_path)
        .Value("text_weight", categoriser.text_weight)
        .Value("calibrate", categoriser.calibrate)
        .Child("severity",
               [&](const YAML::Node& child, const std::string& child_path) {
                 Section(child, child_path)
                     .Value("medium_from", categoriser.severity.medium_from)
                     .Value("high_from", categoriser.severity.high_from)
                     .Value("critical_from", categoriser.severity.critical_from)
                     .Value("raise_from_relative", categoriser.severity.raise_from_relative)
                     .Value("raise_after_overdue_bdays", categoriser.severity.raise_after_overdue_bdays)
                     .Apply();
               })
        .Child("rounding",
               [&](const YAML::Node& child, const std::string& child_path) {
                 Section(child, child_path)
                     .Value("max_amount", categoriser.rounding.max_amount)
                     .Value("max_relative", categoriser.rounding.max_relative)
                     .Apply();
               })
        .Apply();
  });
  top.Child("valuation", [&](const YAML::Node& node, const std::string& path) {
    auto& valuation = config.valuation;
    Section(node, path)
        .Value("reporting_currency", valuation.reporting_currency)
        .Value("as_of", valuation.as_of)
        .Child("fx_rates",
               [&](const YAML::Node& child, const std::string& child_path) {
                 if (!child || child.IsNull()) return;
                 if (!child.IsMap()) ThrowInvalidInput("config: '" + child_path + "' must be a mapping");
                 for (const auto& entry : child) {
                   const auto currency = entry.first.as<std::string>();
                   try {
                     valuation.fx_rates[currency] = entry.second.as<double>();
                   } catch (const YAML::Exception&) {
                     ThrowInvalidInput("config: '" + child_path + "." + currency + "' must be a number (line " +
                                       std::to_string(entry.second.Mark().line + 1) + ")");
                   }
                 }
               })
        .Apply();
  });
  top.Child("resolution", [&](const YAML::Node& node, const std::string& path) {
    auto& resolution = config.resolution;
    Section(node, path)
        .Value("max_abs_quantity_diff", resolution.max_abs_quantity_diff)
        .Value("auto_resolve_timing", resolution.auto_resolve_timing)
        .Value("min_auto_resolve_confidence", resolution.min_auto_resolve_confidence)
        .Value("max_auto_resolve_amount", resolution.max_auto_resolve_amount)
        .Value("auto_resolve_not_yet_due", resolution.auto_resolve_not_yet_due)
        .Value("ticket_prefix", resolution.ticket_prefix)
        .Apply();
  });
  top.Child("llm", [&](const YAML::Node& node, const std::string& path) {
    auto& llm = config.llm;
    Section(node, path)
        .Value("enabled", llm.enabled)
        .Value("base_url", llm.base_url)
        .Value("model", llm.model)
        .Value("api_key_env", llm.api_key_env)
        .Value("timeout_ms", llm.timeout_ms)
        .Value("max_concurrency", llm.max_concurrency)
        .Value("requests_per_minute", llm.requests_per_minute)
        .Value("tokens_per_minute", llm.tokens_per_minute)
        .Value("max_retries", llm.max_retries)
        .Value("backoff_initial_ms", llm.backoff_initial_ms)
        .Value("backoff_max_ms", llm.backoff_max_ms)
        .Value("breaker_failures", llm.breaker_failures)
        .Value("breaker_cooldown_ms", llm.breaker_cooldown_ms)
        .Value("min_local_confidence", llm.min_local_confidence)
        .Value("summarise_from_severity", llm.summarise_from_severity)
        .Value("max_comment_chars", llm.max_comment_chars)
        .Value("max_output_tokens", llm.max_output_tokens)
        .Apply();
  });
  top.Child("email", [&](const YAML::Node& node, const std::string& path) {
    auto& email = config.email;
    Section(node, path)
        .Value("smtp_host", email.smtp_host)
        .Value("smtp_port", email.smtp_port)
        .Value("security", email.security)
        .Value("username", email.username)
        .Value("password_env", email.password_env)
        .Value("ca_file", email.ca_file)
        .Value("from", email.from)
        .Value("to", email.to)
        .Value("cc", email.cc)
        .Value("max_attachment_bytes", email.max_attachment_bytes)
        .Value("timeout_ms", email.timeout_ms)
        .Value("max_attempts", email.max_attempts)
        .Value("backoff_initial_ms", email.backoff_initial_ms)
        .Value("backoff_max_ms", email.backoff_max_ms)
        .Value("realtime_min_severity", email.realtime_min_severity)
        .Value("digest_interval_ms", email.digest_interval_ms)
        .Value("top_anomalies", email.top_anomalies)
        .Apply();
  });
  top.Child("server", [&](const YAML::Node& node, const std::string& path) {
    auto& server = config.server;
    Section(node, path)
        .Value("host", server.host)
        .Value("port", server.port)
        .Value("threads", server.threads)
        .Value("body_limit_bytes", server.body_limit_bytes)
        .Value("read_timeout_ms", server.read_timeout_ms)
        .Value("write_timeout_ms", server.write_timeout_ms)
        .Value("max_json_depth", server.max_json_depth)
        .Value("max_json_values", server.max_json_values)
        .Value("max_response_bytes", server.max_response_bytes)
        .Value("api_keys_env", server.api_keys_env)
        .Value("ws_max_queued_messages", server.ws_max_queued_messages)
        .Value("max_batch_trades", server.max_batch_trades)
        .Value("train_data", server.train_data)
        .Value("shutdown_grace_ms", server.shutdown_grace_ms)
        .Apply();
  });
  top.Apply();
  if (!legacy_store) return;
  if (url_set) {
    ThrowInvalidInput("config: 'paths.store' (deprecated) and 'store.url' are both set; remove paths.store");
  }
  if (legacy_store->empty()) ThrowInvalidInput("config: 'paths.store' must not be empty");
  config.store.url = "sqlite:" + *legacy_store;
  config.deprecations.push_back("config key 'paths.store' is deprecated; read as store.url: sqlite:" +
                                *legacy_store + " (write that under 'store:' instead)");
}

}  // namespace

void ServerParams::Validate() const {
  if (host.empty()) ThrowInvalidInput("server.host must not be empty");
  if (port < 0 || port > 65535) ThrowInvalidInput("server.port must be between 0 and 65535");
  if (threads < 0 || threads > 1024) ThrowInvalidInput("server.threads must be between 0 (all cores) and 1024");
  if (body_limit_bytes < 1024 || body_limit_bytes > (1ULL << 30)) {
    ThrowInvalidInput("server.body_limit_bytes must be between 1024 and 1073741824");
  }
  if (read_timeout_ms < 100) ThrowInvalidInput("server.read_timeout_ms must be at least 100");
  if (write_timeout_ms < 100) ThrowInvalidInput("server.write_timeout_ms must be at least 100");
  if (max_json_depth < 2 || max_json_depth > 1000) ThrowInvalidInput("server.max_json_depth must be between 2 and 1000");
  if (max_json_values < 1000) ThrowInvalidInput("server.max_json_values must be at least 1000");
  if (max_response_bytes < 65536) ThrowInvalidInput("server.max_response_bytes must be at least 65536");
  if (ws_max_queued_messages < 1) ThrowInvalidInput("server.ws_max_queued_messages must be at least 1");
  if (max_batch_trades < 1 || max_batch_trades > 1000000) {
    ThrowInvalidInput("server.max_batch_trades must be between 1 and 1000000");
  }
  if (shutdown_grace_ms < 0) ThrowInvalidInput("server.shutdown_grace_ms must be >= 0");
}

void DetectorParams::Validate() const {
  if (algorithm != "iforest" && algorithm != "eif" && algorithm != "lof") {
    ThrowInvalidInput("detector.algorithm must be 'iforest', 'eif' or 'lof' (got '" + algorithm + "')");
  }
  if (!(contamination > 0.0 && contamination < 0.5)) ThrowInvalidInput("detector.contamination must be in (0, 0.5)");
  if (train_max_rows < 100 || train_max_rows > 50'000'000)
    ThrowInvalidInput("detector.train_max_rows must be between 100 and 50000000");
  iforest.Validate();
  lof.Validate();
}

std::unique_ptr<models::Detector> MakeDetector(const DetectorParams& params) {
  if (params.algorithm == "lof") return std::make_unique<models::LocalOutlierFactor>(params.lof);
  if (params.algorithm == "eif") return std::make_unique<models::ExtendedIsolationForest>(params.iforest);
  return std::make_unique<models::IsolationForest>(params.iforest);
}

std::uint64_t TrainingSeed(const DetectorParams& params) {
  return params.algorithm == "lof" ? params.lof.seed : params.iforest.seed;
}

void ClusteringParams::Validate() const {
  kmeans.Validate();
  if (train_max_rows < kmeans.k || train_max_rows > 50'000'000) {
    ThrowInvalidInput("clustering.train_max_rows must be between clustering.k and 50000000");
  }
  if (auto_k_max != 0 && (auto_k_max < 2 || auto_k_max > 50)) {
    ThrowInvalidInput("clustering.auto_k_max must be 0 (use clustering.k) or between 2 and 50");
  }
  if (silhouette_rows < 100 || silhouette_rows > 20000) {
    ThrowInvalidInput("clustering.silhouette_rows must be between 100 and 20000");
  }
}

void Config::Validate() const {
  if (threads < 0 || threads > 1024) ThrowInvalidInput("threads must be between 0 (all cores) and 1024");
  if (paths.model.empty() || paths.output.empty()) ThrowInvalidInput("paths.* must not be empty");
  store.Validate();
  logging.Validate();
  columns.Validate();
  ingest.Validate();
  features.Validate();
  detector.Validate();
  clustering.Validate();
  categoriser.Validate();
  valuation.Validate();
  resolution.Validate();
  llm.Validate();
  server.Validate();
  email.Validate();
}

Config LoadConfig(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) ThrowNotFound("config file '" + path + "' does not exist");
  std::ifstream file(path, std::ios::binary);
  if (!file.is_open()) ThrowUnavailable("config file '" + path + "' cannot be opened");
  std::ostringstream text;
  text << file.rdbuf();
  return LoadConfigFromText(text.str(), path);
}

Config LoadConfigFromText(std::string_view text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& failure) {
    ThrowInvalidInput("config file '" + origin + "' is not valid YAML: " + failure.what());
  }
  Config config;
  if (root && !root.IsNull()) {
    if (!root.IsMap()) ThrowInvalidInput("config file '" + origin + "' must be a mapping of sections");
    try {
      ReadConfig(root, config);
    } catch (const Error& failure) {
      throw Error(failure.Kind(), std::string(failure.what()) + " in '" + origin + "'");
    } catch (const YAML::Exception& failure) {
      // A conversion the readers do not check themselves: still the file's fault, never an escaping YAML error.
      ThrowInvalidInput("config file '" + origin + "' cannot be read: " + failure.what());
    }
  }
  try {
    config.Validate();
  } catch (const Error& failure) {
    throw Error(failure.Kind(), std::string(failure.what()) + " in '" + origin + "'");
  }
  return config;
}

std::string DumpConfig(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "threads" << YAML::Value << config.threads;
  out << YAML::Key << "paths" << YAML::Value << YAML::BeginMap << YAML::Key << "model" << YAML::Value
      << config.paths.model << YAML::Key << "output" << YAML::Value << config.paths.output << YAML::EndMap;
  out << YAML::Key << "store" << YAML::Value << YAML::BeginMap << YAML::Key << "url" << YAML::Value
      << config.store.url << YAML::EndMap;
  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap << YAML::Key << "dir" << YAML::Value
      << config.logging.dir << YAML::Key << "max_file_bytes" << YAML::Value << config.logging.max_file_bytes
      << YAML::Key << "max_files" << YAML::Value << config.logging.max_files << YAML::Key << "level" << YAML::Value
      << config.logging.level << YAML::EndMap;
  out << YAML::Key << "columns" << YAML::Value << YAML::BeginMap;
  for (const FieldInfo& info : AllFields())
    out << YAML::Key << std::string(info.key) << YAML::Value << config.columns.HeaderOf(info.field);
  out << YAML::EndMap;
  out << YAML::Key << "ingest" << YAML::Value << YAML::BeginMap << YAML::Key << "batch_rows" << YAML::Value
      << config.ingest.batch_rows << YAML::Key << "read_chunk_bytes" << YAML::Value << config.ingest.read_chunk_bytes
      << YAML::Key << "max_field_bytes" << YAML::Value << config.ingest.max_field_bytes << YAML::EndMap;
  out << YAML::Key << "features" << YAML::Value << YAML::BeginMap << YAML::Key << "rolling_window_trades" << YAML::Value
      << config.features.rolling_window_trades << YAML::Key << "duplicate_window_trades" << YAML::Value
      << config.features.duplicate_window_trades << YAML::Key << "categoricals" << YAML::Value << YAML::Flow
      << config.features.categoricals << YAML::Key << "model_features" << YAML::Value << YAML::Flow
      << config.features.model_features << YAML::EndMap;
  out << YAML::Key << "detector" << YAML::Value << YAML::BeginMap << YAML::Key << "algorithm" << YAML::Value
      << config.detector.algorithm << YAML::Key << "contamination" << YAML::Value << config.detector.contamination
      << YAML::Key << "score_threshold" << YAML::Value;
  if (config.detector.score_threshold) {
    out << *config.detector.score_threshold;
  } else {
    out << YAML::Null;
  }
  out << YAML::Key << "train_max_rows" << YAML::Value << config.detector.train_max_rows << YAML::Key << "iforest"
      << YAML::Value << YAML::BeginMap << YAML::Key << "n_estimators" << YAML::Value
      << config.detector.iforest.n_estimators << YAML::Key << "max_samples" << YAML::Value
      << config.detector.iforest.max_samples << YAML::Key << "seed" << YAML::Value << config.detector.iforest.seed
      << YAML::EndMap << YAML::Key << "lof" << YAML::Value << YAML::BeginMap << YAML::Key << "n_neighbors"
      << YAML::Value << config.detector.lof.n_neighbors << YAML::Key << "scaling" << YAML::Value
      << models::ScalingName(config.detector.lof.scaling) << YAML::Key << "metric" << YAML::Value
      << models::MetricName(config.detector.lof.metric) << YAML::Key << "seed" << YAML::Value
      << config.detector.lof.seed << YAML::EndMap << YAML::EndMap;
  const auto& kmeans = config.clustering.kmeans;
  out << YAML::Key << "clustering" << YAML::Value << YAML::BeginMap << YAML::Key << "k" << YAML::Value << kmeans.k
      << YAML::Key << "n_init" << YAML::Value << kmeans.n_init << YAML::Key << "max_iter" << YAML::Value
      << kmeans.max_iter << YAML::Key << "tolerance" << YAML::Value << kmeans.tolerance << YAML::Key << "seed"
      << YAML::Value << kmeans.seed << YAML::Key << "train_max_rows" << YAML::Value << config.clustering.train_max_rows
      << YAML::Key << "auto_k_max" << YAML::Value << config.clustering.auto_k_max << YAML::Key << "silhouette_rows"
      << YAML::Value << config.clustering.silhouette_rows << YAML::EndMap;
  const auto& categoriser = config.categoriser;
  out << YAML::Key << "categoriser" << YAML::Value << YAML::BeginMap << YAML::Key << "extra_comments_path"
      << YAML::Value << categoriser.extra_comments_path << YAML::Key << "text_weight" << YAML::Value
      << categoriser.text_weight << YAML::Key << "calibrate" << YAML::Value << categoriser.calibrate
      << YAML::Key << "severity" << YAML::Value << YAML::BeginMap << YAML::Key
      << "medium_from" << YAML::Value << categoriser.severity.medium_from << YAML::Key << "high_from" << YAML::Value
      << categoriser.severity.high_from << YAML::Key << "critical_from" << YAML::Value
      << categoriser.severity.critical_from << YAML::Key << "raise_from_relative" << YAML::Value
      << categoriser.severity.raise_from_relative << YAML::Key << "raise_after_overdue_bdays" << YAML::Value
      << categoriser.severity.raise_after_overdue_bdays << YAML::EndMap << YAML::Key << "rounding" << YAML::Value
      << YAML::BeginMap << YAML::Key << "max_amount" << YAML::Value << categoriser.rounding.max_amount << YAML::Key
      << "max_relative" << YAML::Value << categoriser.rounding.max_relative << YAML::EndMap << YAML::EndMap;
  const auto& valuation = config.valuation;
  out << YAML::Key << "valuation" << YAML::Value << YAML::BeginMap << YAML::Key << "reporting_currency" << YAML::Value
      << valuation.reporting_currency << YAML::Key << "as_of" << YAML::Value << valuation.as_of << YAML::Key
      << "fx_rates" << YAML::Value << YAML::BeginMap;
  for (const auto& [currency, rate] : valuation.fx_rates) out << YAML::Key << currency << YAML::Value << rate;
  out << YAML::EndMap << YAML::EndMap;
  const auto& resolution = config.resolution;
  out << YAML::Key << "resolution" << YAML::Value << YAML::BeginMap << YAML::Key << "max_abs_quantity_diff"
      << YAML::Value << resolution.max_abs_quantity_diff << YAML::Key << "auto_resolve_timing" << YAML::Value
      << resolution.auto_resolve_timing << YAML::Key << "min_auto_resolve_confidence" << YAML::Value
      << resolution.min_auto_resolve_confidence << YAML::Key << "max_auto_resolve_amount" << YAML::Value
      << resolution.max_auto_resolve_amount << YAML::Key << "auto_resolve_not_yet_due" << YAML::Value
      << resolution.auto_resolve_not_yet_due << YAML::Key << "ticket_prefix" << YAML::Value
      << resolution.ticket_prefix << YAML::EndMap;
  const auto& llm = config.llm;
  out << YAML::Key << "llm" << YAML::Value << YAML::BeginMap;
  const auto key = [&out](const char* name, const auto& value) { out << YAML::Key << name << YAML::Value << value; };
  key("enabled", llm.enabled);
  key("base_url", llm.base_url);
  key("model", llm.model);
  key("api_key_env", llm.api_key_env);
  key("timeout_ms", llm.timeout_ms);
  key("max_concurrency", llm.max_concurrency);
  key("requests_per_minute", llm.requests_per_minute);
  key("tokens_per_minute", llm.tokens_per_minute);
  key("max_retries", llm.max_retries);
  key("backoff_initial_ms", llm.backoff_initial_ms);
  key("backoff_max_ms", llm.backoff_max_ms);
  key("breaker_failures", llm.breaker_failures);
  key("breaker_cooldown_ms", llm.breaker_cooldown_ms);
  key("min_local_confidence", llm.min_local_confidence);
  key("summarise_from_severity", llm.summarise_from_severity);
  key("max_comment_chars", llm.max_comment_chars);
  key("max_output_tokens", llm.max_output_tokens);
  out << YAML::EndMap;
  const auto& email = config.email;
  out << YAML::Key << "email" << YAML::Value << YAML::BeginMap;
  key("smtp_host", email.smtp_host);
  key("smtp_port", email.smtp_port);
  key("security", email.security);
  key("username", email.username);
  key("password_env", email.password_env);
  key("ca_file", email.ca_file);
  key("from", email.from);
  out << YAML::Key << "to" << YAML::Value << YAML::Flow << email.to;
  out << YAML::Key << "cc" << YAML::Value << YAML::Flow << email.cc;
  key("max_attachment_bytes", email.max_attachment_bytes);
  key("timeout_ms", email.timeout_ms);
  key("max_attempts", email.max_attempts);
  key("backoff_initial_ms", email.backoff_initial_ms);
  key("backoff_max_ms", email.backoff_max_ms);
  key("realtime_min_severity", email.realtime_min_severity);
  key("digest_interval_ms", email.digest_interval_ms);
  key("top_anomalies", email.top_anomalies);
  out << YAML::EndMap;
  const auto& server = config.server;
  out << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
  key("host", server.host);
  key("port", server.port);
  key("threads", server.threads);
  key("body_limit_bytes", server.body_limit_bytes);
  key("read_timeout_ms", server.read_timeout_ms);
  key("write_timeout_ms", server.write_timeout_ms);
  key("max_json_depth", server.max_json_depth);
  key("max_json_values", server.max_json_values);
  key("max_response_bytes", server.max_response_bytes);
  key("api_keys_env", server.api_keys_env);
  key("ws_max_queued_messages", server.ws_max_queued_messages);
  key("max_batch_trades", server.max_batch_trades);
  key("train_data", server.train_data);
  key("shutdown_grace_ms", server.shutdown_grace_ms);
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace recon::pipeline
