#pragma once
// The unit that flows through the pipeline: a decoded batch with its features, produced one batch ahead on a
// background thread (core/read_ahead.hpp) so that reading, decoding and featurising overlap scoring and output.
#include <cstdint>
#include <limits>

#include "recon/core/read_ahead.hpp"
#include "recon/features/feature_builder.hpp"
#include "recon/io/ingest_batch.hpp"

namespace recon::pipeline {

struct FeaturedBatch {
  io::IngestBatch ingest;
  features::FeatureMatrix all_features;
};

using FeaturedBatchSource = ReadAhead<FeaturedBatch>;

/// A producer reading from `reader`, featurising with `builder` in file order. The builder learns vocabularies
/// for every batch that starts before `learn_rows` valid rows (0 = never), so where learning stops depends only on
/// the file, never on thread timing. `reader`, `decoder` and `builder` must outlive the source.
inline FeaturedBatchSource::Producer FeaturedBatchProducer(io::CsvReader& reader, const io::RecordDecoder& decoder,
                                                           features::FeatureBuilder& builder, std::uint64_t learn_rows) {
  return [&reader, &decoder, &builder, learn_rows, rows = std::uint64_t{0}](std::unique_ptr<FeaturedBatch> batch) mutable {
    if (!batch) batch = std::make_unique<FeaturedBatch>();
    if (!io::ReadIngestBatch(reader, decoder, batch->ingest)) return std::unique_ptr<FeaturedBatch>();
    builder.SetLearning(rows < learn_rows);
    batch->all_features = builder.Transform(batch->ingest.records);
    rows += batch->ingest.records.RowCount();
    return batch;
  };
}

/// For producers that learn from the whole file.
inline constexpr std::uint64_t kLearnFromAllRows = std::numeric_limits<std::uint64_t>::max();

}  // namespace recon::pipeline
