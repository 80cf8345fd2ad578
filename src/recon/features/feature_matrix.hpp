#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace recon::features {

/// Row-major float matrix with named columns: the input of every model.
class FeatureMatrix {
 public:
  FeatureMatrix() = default;
  FeatureMatrix(std::size_t rows, std::vector<std::string> names)
      : names_(std::move(names)), values_(rows * names_.size(), 0.0f), rows_(rows) {}

  std::size_t Rows() const { return rows_; }
  std::size_t Cols() const { return names_.size(); }
  const std::vector<std::string>& Names() const { return names_; }
  float* Row(std::size_t row_idx) { return values_.data() + row_idx * Cols(); }
  const float* Row(std::size_t row_idx) const { return values_.data() + row_idx * Cols(); }
  float At(std::size_t row_idx, std::size_t col_idx) const { return values_[row_idx * Cols() + col_idx]; }
  float& At(std::size_t row_idx, std::size_t col_idx) { return values_[row_idx * Cols() + col_idx]; }
  const float* Data() const { return values_.data(); }

  /// Reshapes to `rows` x names.size() keeping the buffer's capacity (values are unspecified until written),
  /// so a matrix recycled between batches costs no allocation or page faults.
  void Reshape(std::size_t rows, const std::vector<std::string>& names) {
    if (names_ != names) names_ = names;
    rows_ = rows;
    values_.resize(rows * names_.size());
  }
  /// Room for `rows` rows in all, so that appending up to them does not reallocate.
  void Reserve(std::size_t rows) { values_.reserve(rows * names_.size()); }
  /// Appends one row (size Cols()).
  void AppendRow(const float* row) {
    values_.insert(values_.end(), row, row + Cols());
    ++rows_;
  }
  /// Copies the columns at `column_indices`, in that order.
  FeatureMatrix Select(const std::vector<std::size_t>& column_indices) const;
  /// Same, into `out` (reusing its buffer).
  void SelectInto(const std::vector<std::size_t>& column_indices, FeatureMatrix& out) const;
  /// Index of a named column, or Cols() when absent.
  std::size_t IndexOf(const std::string& name) const;

 private:
  std::vector<std::string> names_;
  std::vector<float> values_;
  std::size_t rows_ = 0;
};

}  // namespace recon::features
