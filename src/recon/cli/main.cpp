// recon command line: parses arguments and calls the library. The one error funnel for the CLI is here:
// recon::Error kinds map to exit codes and one clear line on stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "recon/cli/terminal_progress.hpp"
#include "recon/core/error.hpp"
#include "recon/core/logger.hpp"
#include "recon/pipeline/categorise_job.hpp"
#include "recon/pipeline/config.hpp"
#include "recon/pipeline/detect_job.hpp"
#include "recon/pipeline/eval_job.hpp"
#include "recon/pipeline/outbox_job.hpp"
#include "recon/pipeline/review_import_job.hpp"
#include "recon/pipeline/trainer.hpp"
#include "recon/pipeline/triage_eval.hpp"
#include "recon/pipeline/triage_report.hpp"
#include "recon/server/server.hpp"
#include "recon/service/scoring_service.hpp"

namespace {

int ExitCodeOf(recon::ErrorKind kind) {
  switch (kind) {
    case recon::ErrorKind::kInvalidInput: return 2;
    case recon::ErrorKind::kNotFound: return 3;
    case recon::ErrorKind::kCorrupt: return 4;
    case recon::ErrorKind::kUnavailable: return 5;
    case recon::ErrorKind::kConflict: return 6;
    case recon::ErrorKind::kInternal: return 70;
  }
  return 70;
}

// A loaded configuration, after warning on stderr of each deprecated key it used.
recon::pipeline::Config Warned(recon::pipeline::Config config) {
  for (const std::string& notice : config.deprecations) std::fprintf(stderr, "recon: warning: %s\n", notice.c_str());
  return config;
}

recon::pipeline::Config ResolveConfig(const std::string& path) {
  if (!path.empty()) return Warned(recon::pipeline::LoadConfig(path));
  if (const char* from_env = std::getenv("RECON_CONFIG"); from_env != nullptr && *from_env != '\0') {
    return Warned(recon::pipeline::LoadConfig(from_env));
  }
  recon::pipeline::Config defaults;
  defaults.Validate();
  return defaults;
}

struct CommonOptions {
  std::string config_path;
  bool quiet = false;
};

int RunDetect(const CommonOptions& common, const recon::pipeline::DetectOptions& options) {
  const auto config = ResolveConfig(common.config_path);
  const auto logger = recon::Logger::Open(config.logging);
  try {
    const auto progress = recon::cli::MakeProgress(!common.quiet);
    const auto report = recon::pipeline::RunDetect(config, options, logger, progress.get());
    if (!common.quiet) std::cout << recon::pipeline::RenderSummary(report);
  } catch (const recon::Error& error) {
    logger.Error("run.failed",
                 {{"input", options.input}, {"kind", recon::ErrorKindName(error.Kind())}, {"error", error.what()}});
    throw;
  }
  return 0;
}

int RunTrain(const CommonOptions& common, const std::string& input, std::string model_path,
             const std::string& algorithm) {
  auto config = ResolveConfig(common.config_path);
  if (!model_path.empty()) config.paths.model = model_path;
  if (!algorithm.empty()) config.detector.algorithm = algorithm;
  config.Validate();
  const auto logger = recon::Logger::Open(config.logging);
  const auto progress = recon::cli::MakeProgress(!common.quiet);
  recon::io::RejectsWriter rejects(config.paths.model + ".rejects.csv");
  recon::pipeline::TrainingReport report;
  const auto bundle = recon::pipeline::TrainBundle(config, input, logger, progress.get(), &rejects, report);
  rejects.Close();
  bundle.Save(config.paths.model);
  if (!common.quiet) {
    std::printf(
        "recon train: %s\n  rows read %llu, rejected %llu, fitted on %llu sampled rows\n"
        "  threshold %.6f, model saved to %s (%.3fs)\n",
        input.c_str(), static_cast<unsigned long long>(report.rows_read),
        static_cast<unsigned long long>(report.rows_rejected), static_cast<unsigned long long>(report.sample_rows),
        report.threshold, config.paths.model.c_str(), report.seconds);
    std::printf("  clusters: %s\n", recon::pipeline::DescribeClusters(report).c_str());
    if (report.rows_rejected > 0) std::printf("  rejects written to %s\n", rejects.Path().c_str());
  }
  return 0;
}

int RunTriageEval(const CommonOptions& common, const recon::pipeline::Config& config,
                  const recon::pipeline::TriageEvalOptions& options, bool as_json) {
  const auto logger = recon::Logger::Open(config.logging);
  const auto progress = recon::cli::MakeProgress(!common.quiet);  // on stderr: the JSON on stdout stays whole
  const auto report = recon::pipeline::RunTriageEval(config, options, logger, progress.get());
  std::cout << (as_json ? recon::pipeline::TriageEvalJson(report) : recon::pipeline::RenderTriageEval(report));
  return 0;
}

int RunServe(const CommonOptions& common, bool use_llm, int port) {
  auto config = ResolveConfig(common.config_path);
  if (port >= 0) config.server.port = port;
  config.Validate();
  const auto logger = recon::Logger::Open(config.logging);
  recon::service::ScoringService service(config, logger, use_llm);
  recon::server::Server server(config, logger, service,
                               recon::server::ApiKeys::FromEnvironment(config.server.api_keys_env));
  server.Start();
  // One line for people and scripts (with server.port 0 this is how the port is learnt).
  std::printf("recon serve: listening on http://%s:%u (model %s)\n", config.server.host.c_str(), server.Port(),
              service.Ready() ? "loaded" : "missing: degraded");
  std::fflush(stdout);
  server.RunUntilSignalled();
  if (!common.quiet) std::printf("recon serve: stopped\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"recon: reconciliation break anomaly detection, categorisation and resolution"};
  app.require_subcommand(1);
  app.set_version_flag("--version", RECON_VERSION);
  CommonOptions common;
  app.add_option("--config", common.config_path, "YAML config file (default: built-in defaults, or $RECON_CONFIG)");
  app.add_flag("-q,--quiet", common.quiet, "no summary or progress bar");
  app.fallthrough();  // `recon detect FILE -q` as well as `recon -q detect FILE`

  recon::pipeline::DetectOptions detect;
  auto* detect_command = app.add_subcommand("detect", "score a CSV of breaks; write anomalies CSV and store");
  detect_command->add_option("file", detect.input, "input CSV")->required();
  detect_command->add_option("--out", detect.output, "anomalies CSV (default: paths.output)");
  detect_command->add_option("--rejects", detect.rejects, "rejected rows CSV (default: beside --out)");
  detect_command->add_flag("--all", detect.all_rows, "write every row with flagged 0/1, not only anomalies");
  detect_command->add_option("--algo", detect.algorithm, "detector: iforest | eif | lof (must match a saved model)");
  detect_command->add_flag("--llm", detect.use_llm, "ask the configured LLM (llm: section) about uncertain anomalies");
  detect_command->add_option("--config", common.config_path, "YAML config file");

  recon::pipeline::CategoriseOptions categorise;
  auto* categorise_command =
      app.add_subcommand("categorise", "categorise one anomaly (comment + evidence) and print the verdict as JSON");
  categorise_command->add_option("comment", categorise.comment, "the break's COMMENT text");
  categorise_command->add_option("--evidence", categorise.evidence_json,
                                 "JSON object of evidence: book_quantity, street_quantity, quantity_diff, book_price, "
                                 "street_price, price_diff, book_amount, street_amount, amount_diff, currency, desk, "
                                 "lag_excess_bdays, trade_id_repeat, economics_repeat, ...");
  categorise_command->add_flag("--llm", categorise.use_llm, "ask the configured LLM when the local verdict is unsure");
  categorise_command->add_option("--config", common.config_path, "YAML config file");

  std::string train_input;
  std::string train_model;
  std::string train_algo;
  auto* train_command = app.add_subcommand("train", "train the model bundle on a CSV and save it");
  train_command->add_option("file", train_input, "training CSV")->required();
  train_command->add_option("--model", train_model, "bundle path (default: paths.model)");
  train_command->add_option("--algo", train_algo, "detector: iforest | eif | lof");
  train_command->add_option("--config", common.config_path, "YAML config file");

  recon::pipeline::EvalOptions eval;
  std::string eval_scaling;
  std::string eval_metric;
  int eval_neighbors = 0;
  auto* eval_command =
      app.add_subcommand("eval",
                         "fit and score every row of a labelled numeric CSV; print ROC-AUC and AP (with "
                         "--category-column: the triage quality of recon detect on a labelled reconciliation file)");
  eval_command->add_option("file", eval.input, "CSV of numeric features and a 0/1 label column")->required();
  eval_command->add_option("--label-column", eval.label_column,
                           "0/1 label column (default: label; IS_ANOMALY with --category-column)");
  eval_command->add_option("--algo", eval.algorithm, "detector: iforest | eif | lof (default: detector.algorithm)");
  eval_command->add_option("--seeds", eval.seeds, "Isolation Forest (iforest, eif) runs, seeds 0..N-1 (default 5)");
  eval_command->add_option("--repeat", eval.repeat, "fits per run, timed by their median (default 1)");
  eval_command->add_option("--scaling", eval_scaling, "LOF scaling: none | standardise | robust");
  eval_command->add_option("--metric", eval_metric, "LOF distance: euclidean | manhattan");
  eval_command->add_option("--n-neighbors", eval_neighbors, "LOF k");
  eval_command->add_option("--config", common.config_path, "YAML config file");
  recon::pipeline::TriageEvalOptions triage;
  bool triage_json = false;
  eval_command->add_option("--category-column", triage.truth.category,
                           "triage quality on a labelled reconciliation file: the true category's column (the label "
                           "column then defaults to IS_ANOMALY)");
  eval_command->add_flag("--json", triage_json, "with --category-column: print one JSON object");

  bool serve_llm = false;
  int serve_port = -1;
  auto* serve_command = app.add_subcommand("serve", "serve the REST and WebSocket API (server: section)");
  serve_command->add_flag("--llm", serve_llm, "ask the configured LLM about uncertain anomalies");
  serve_command->add_option("--port", serve_port, "port (default: server.port; 0 = any free port)");
  serve_command->add_option("--config", common.config_path, "YAML config file");

  recon::pipeline::OutboxOptions outbox;
  auto* outbox_command = app.add_subcommand("outbox", "the e-mail outbox: list | send | retry | purge");
  outbox_command->add_option("action", outbox.action, "list | send (attempt due mails now) | retry (failed ones) | purge")
      ->required()
      ->check(CLI::IsMember({"list", "send", "retry", "purge"}));
  outbox_command->add_option("--state", outbox.state, "list: pending | sent | failed");
  outbox_command->add_flag("--failed", outbox.include_failed, "purge: delete failed mails too, not only sent ones");
  outbox_command->add_option("--config", common.config_path, "YAML config file");

  recon::pipeline::ReviewImportOptions review_import;
  auto* review_command = app.add_subcommand("review", "reviewers' decisions in bulk: import");
  review_command->require_subcommand(1);
  auto* review_import_command = review_command->add_subcommand(
      "import", "apply category corrections from a CSV (anomaly_id or trade_id, category, reviewer, note); the "
                "categoriser learns them from the next run; exit 1 when rows were refused");
  review_import_command->add_option("file", review_import.input, "corrections CSV")->required();
  review_import_command->add_option("--reviewer", review_import.reviewer, "signs the rows without a reviewer");
  review_import_command->add_option("--config", common.config_path, "YAML config file");

  auto* config_command = app.add_subcommand("config", "print the effective configuration as YAML");
  config_command->add_option("--config", common.config_path, "YAML config file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  try {
    if (detect_command->parsed()) return RunDetect(common, detect);
    if (train_command->parsed()) return RunTrain(common, train_input, train_model, train_algo);
    if (eval_command->parsed()) {
      auto config = ResolveConfig(common.config_path);
      if (!eval_scaling.empty()) config.detector.lof.scaling = recon::models::ParseScaling(eval_scaling, "--scaling");
      if (!eval_metric.empty()) config.detector.lof.metric = recon::models::ParseMetric(eval_metric, "--metric");
      if (eval_neighbors != 0) config.detector.lof.n_neighbors = eval_neighbors;
      if (eval_command->count("--category-column") > 0) {
        if (eval_command->count("--seeds") + eval_command->count("--repeat") > 0) {
          recon::ThrowInvalidInput("--seeds and --repeat belong to the numeric benchmark, not --category-column");
        }
        if (eval_command->count("--label-column") > 0) triage.truth.label = eval.label_column;
        triage.input = eval.input;
        triage.algorithm = eval.algorithm;
        return RunTriageEval(common, config, triage, triage_json);
      }
      if (triage_json) recon::ThrowInvalidInput("--json needs --category-column (the triage evaluation)");
      std::cout << recon::pipeline::RenderEval(recon::pipeline::RunEval(config, eval));
      return 0;
    }
    if (serve_command->parsed()) return RunServe(common, serve_llm, serve_port);
    if (outbox_command->parsed()) {
      const auto config = ResolveConfig(common.config_path);
      const auto logger = recon::Logger::Open(config.logging);
      std::cout << recon::pipeline::RunOutbox(config, outbox, logger);
      return 0;
    }
    if (categorise_command->parsed()) {
      const auto config = ResolveConfig(common.config_path);
      const auto logger = recon::Logger::Open(config.logging);
      std::cout << recon::pipeline::RunCategorise(config, categorise, logger) << "\n";
      return 0;
    }
    if (review_import_command->parsed()) {
      const auto config = ResolveConfig(common.config_path);
      const auto logger = recon::Logger::Open(config.logging);
      const auto report = recon::pipeline::RunReviewImport(config, review_import, logger);
      if (!common.quiet || report.refused > 0) std::cout << recon::pipeline::RenderReviewImport(report);
      return report.refused > 0 ? 1 : 0;
    }
    if (config_command->parsed()) {
      std::cout << recon::pipeline::DumpConfig(ResolveConfig(common.config_path));
      return 0;
    }
  } catch (const recon::Error& error) {
    std::fprintf(stderr, "recon: %s: %s\n", std::string(recon::ErrorKindName(error.Kind())).c_str(), error.what());
    return ExitCodeOf(error.Kind());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "recon: internal error: %s\n", error.what());
    return 70;
  }
  return 0;
}
