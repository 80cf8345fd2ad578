#pragma once
// Collapses bit-identical rows of a feature matrix. In reconciliation data most trades match exactly, so their
// model inputs are the same few vectors; scoring and clustering each distinct vector once and scattering the
// result back gives the same numbers for a fraction of the work.
#include <cstdint>
#include <vector>

#include "recon/features/feature_matrix.hpp"

namespace recon::features {

struct DistinctRows {
  FeatureMatrix rows;                   ///< each distinct row once, in order of first appearance
  std::vector<std::uint32_t> index_of;  ///< for every input row, its row in `rows`
};

/// Distinct rows of `matrix` by exact bytes.
DistinctRows FindDistinctRows(const FeatureMatrix& matrix);

/// `values` of the distinct rows expanded back to one per input row.
template <typename T>
std::vector<T> ScatterToRows(const std::vector<T>& values, const DistinctRows& distinct) {
  std::vector<T> out(distinct.index_of.size());
  for (std::size_t row_idx = 0; row_idx < out.size(); ++row_idx) out[row_idx] = values[distinct.index_of[row_idx]];
  return out;
}

}  // namespace recon::features
