#pragma once
// A trade as JSON (the API's and the WebSocket's input) into one row of a RecordBatch. Keys are the configured
// column headers (TRADE_ID, BOOK_QUANTITY, ...), as in the CSV and the original service. Problems are collected,
// not thrown, so a client learns every wrong field at once (422, like FastAPI): missing required fields, wrong
// types, unparsable numbers or dates. Numbers may be JSON numbers or numeric strings; extra keys are kept in the
// stored row but otherwise ignored.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recon/core/schema.hpp"
#include "recon/io/record_batch.hpp"

namespace recon::service {

/// Problems listed in one answer; the rest are counted (a batch of 10,000 empty trades must not answer 8 MB).
constexpr std::size_t kMaxReportedProblems = 100;

/// One problem with one field: {"field": "trades[3].BOOK_QUANTITY", "problem": "must be a number"}.
struct FieldProblem {
  std::string field;
  std::string problem;
};

/// [{"field", "problem"}, ...]: the first kMaxReportedProblems, then one entry saying how many more there were.
nlohmann::json ProblemsJson(const std::vector<FieldProblem>& problems);

/// Parses `trade` into row `row_idx` of `out` (already sized). Appends problems, each field prefixed by `where`
/// ("" for a single trade, "trades[3]." in a batch); returns true when there were none.
bool ParseTrade(const nlohmann::json& trade, const ColumnMapping& columns, const std::string& where,
                io::RecordBatch& out, std::size_t row_idx, std::vector<FieldProblem>& problems);

}  // namespace recon::service
