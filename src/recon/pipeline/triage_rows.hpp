#pragma once
// The two reads of a triage evaluation: the labelled input, checked before the (expensive) run so that a wrong
// column name or label fails at once with its line; and the run's all-rows output, turned into TriageRows with
// each flagged row's amount valued again from its own columns (so the severity check does not take the
// pipeline's word for the amount it is checking).
#include <string>
#include <vector>

#include "recon/pipeline/config.hpp"
#include "recon/pipeline/triage_metrics.hpp"

namespace recon::pipeline {

/// Where the truth is in a labelled file (the generator's `--labels` columns by default).
struct TruthColumns {
  std::string label = "IS_ANOMALY";   ///< 0/1
  std::string category = "CATEGORY";  ///< a recon category name on every row labelled 1
};

/// Checks the labelled input: both truth columns present and no column named like one recon's output adds;
/// every label 0 or 1; every anomaly's category one of recon's. Rows the CSV tokenizer finds malformed are left
/// to the run, which rejects them. Returns the header. Throws InvalidInput naming the file and the columns it has,
/// or the line and the value.
std::vector<std::string> CheckLabelledInput(const std::string& path, const TruthColumns& truth,
                                            const io::CsvReaderParams& params);

/// Reads `recon detect --all`'s output for an input whose header is `input_header`: the truth, the score and
/// recon's decisions; the amount at risk and its severity floor from the row's numbers with `config`'s columns,
/// valuation and severity thresholds. Throws Internal when the output does not have the shape detect writes.
std::vector<TriageRow> ReadTriageRows(const std::string& output_path, const std::vector<std::string>& input_header,
                                      const TruthColumns& truth, const Config& config);

}  // namespace recon::pipeline
