// Batch/stream parity: a trade processed alone, after the same history, gets exactly the features and the score
// it gets inside a batch (the service scores single trades and relies on this).
#include <gtest/gtest.h>

#include "recon/io/csv_reader.hpp"
#include "recon/io/record_decoder.hpp"
#include "recon/pipeline/trainer.hpp"

namespace recon::pipeline {
namespace {

// Copies row `row_idx` of `source` into `target` as a one-row batch.
void CopyRow(const io::RecordBatch& source, std::size_t row_idx, io::RecordBatch& target) {
  target.Clear();
  target.Resize(1);
  target.SetOrigin(0, source.Line(row_idx), 0);
  for (const FieldInfo& info : AllFields()) {
    switch (info.type) {
      case FieldType::kNumber: target.SetNumber(info.field, 0, source.Number(info.field, row_idx)); break;
      case FieldType::kDate: target.SetDate(info.field, 0, source.Date(info.field, row_idx)); break;
      case FieldType::kText: target.SetTextCopy(info.field, 0, std::string(source.Text(info.field, row_idx))); break;
    }
  }
}

class ParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParityTest, OneTradeAtATimeEqualsTheBatch) {
  const std::string path = std::string(RECON_SOURCE_DIR) + "/data/recon_sample_10k.csv";
  Config config;
  config.detector.algorithm = GetParam();
  io::CsvReaderParams whole_file;
  whole_file.batch_rows = 20000;
  io::CsvReader reader(path, whole_file);
  const io::RecordDecoder decoder(reader.Header(), config.columns, path);
  io::RawBatch raw;
  ASSERT_TRUE(reader.Next(raw));
  io::RecordBatch records;
  std::vector<io::RowError> errors;
  decoder.Decode(raw, records, errors);
  ASSERT_EQ(records.RowCount(), 10000u);

  auto builder = std::make_unique<features::FeatureBuilder>(config.features);
  builder->SetLearning(true);
  const auto training = builder->Transform(records).Select(builder->ModelColumns());
  builder->SetLearning(false);
  builder->ResetHistory();
  TrainingReport report;
  models::ModelBundle bundle = FitBundle(config, std::move(builder), training, path, training.Rows(), report);

  features::FeatureBuilder& features = *bundle.features;
  const auto batch_features = features.Transform(records);
  const auto batch_scores = bundle.detector->Score(batch_features.Select(features.ModelColumns()), 2);

  features.ResetHistory();
  io::RecordBatch single;
  for (std::size_t row_idx = 0; row_idx < records.RowCount(); ++row_idx) {
    CopyRow(records, row_idx, single);
    const auto row_features = features.Transform(single);
    for (std::size_t col_idx = 0; col_idx < row_features.Cols(); ++col_idx) {
      ASSERT_EQ(row_features.At(0, col_idx), batch_features.At(row_idx, col_idx))
          << "row " << row_idx << " col " << col_idx;
    }
    const auto score = bundle.detector->Score(row_features.Select(features.ModelColumns()), 1);
    ASSERT_EQ(score[0], batch_scores[row_idx]) << "row " << row_idx;
  }
}

INSTANTIATE_TEST_SUITE_P(Detectors, ParityTest, ::testing::Values("iforest", "eif", "lof"));

}  // namespace
}  // namespace recon::pipeline
