#include "recon/features/feature_matrix.hpp"

namespace recon::features {

FeatureMatrix FeatureMatrix::Select(const std::vector<std::size_t>& column_indices) const {
  FeatureMatrix selected;
  SelectInto(column_indices, selected);
  return selected;
}

void FeatureMatrix::SelectInto(const std::vector<std::size_t>& column_indices, FeatureMatrix& selected) const {
  std::vector<std::string> names;
  names.reserve(column_indices.size());
  for (const std::size_t col_idx : column_indices) names.push_back(names_[col_idx]);
  selected.Reshape(rows_, names);
  for (std::size_t row_idx = 0; row_idx < rows_; ++row_idx) {
    const float* source = Row(row_idx);
    float* target = selected.Row(row_idx);
    for (std::size_t out_idx = 0; out_idx < column_indices.size(); ++out_idx)
      target[out_idx] = source[column_indices[out_idx]];
  }
}

std::size_t FeatureMatrix::IndexOf(const std::string& name) const {
  for (std::size_t col_idx = 0; col_idx < names_.size(); ++col_idx) {
    if (names_[col_idx] == name) return col_idx;
  }
  return names_.size();
}

}  // namespace recon::features
