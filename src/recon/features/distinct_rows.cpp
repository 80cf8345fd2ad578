#include "recon/features/distinct_rows.hpp"

#include <cstring>

namespace recon::features {
namespace {

std::uint64_t HashRow(const float* row, std::size_t cols) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t col_idx = 0; col_idx < cols; ++col_idx) {
    std::uint32_t bits;
    std::memcpy(&bits, &row[col_idx], sizeof bits);
    hash = (hash ^ bits) * 0x100000001b3ULL;
  }
  return hash ^ (hash >> 29);
}

}  // namespace

DistinctRows FindDistinctRows(const FeatureMatrix& matrix) {
  DistinctRows distinct{FeatureMatrix(0, matrix.Names()), std::vector<std::uint32_t>(matrix.Rows())};
  distinct.rows.Reserve(matrix.Rows());
  const std::size_t cols = matrix.Cols();
  std::size_t capacity = 16;
  while (capacity < 2 * matrix.Rows()) capacity <<= 1;
  const std::size_t mask = capacity - 1;
  constexpr std::uint32_t kEmpty = 0xffffffffu;
  std::vector<std::uint32_t> table(capacity, kEmpty);
  for (std::size_t row_idx = 0; row_idx < matrix.Rows(); ++row_idx) {
    const float* row = matrix.Row(row_idx);
    std::size_t slot = HashRow(row, cols) & mask;
    while (table[slot] != kEmpty && std::memcmp(distinct.rows.Row(table[slot]), row, cols * sizeof(float)) != 0) {
      slot = (slot + 1) & mask;
    }
    if (table[slot] == kEmpty) {
      table[slot] = static_cast<std::uint32_t>(distinct.rows.Rows());
      distinct.rows.AppendRow(row);
    }
    distinct.index_of[row_idx] = table[slot];
  }
  return distinct;
}

}  // namespace recon::features
