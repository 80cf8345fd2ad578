#pragma once
// Label encoding of a categorical column. Codes are given in order of first appearance while learning (so a
// streaming fit needs no second pass); once frozen, an unseen label encodes as -1, as the original system did.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "recon/core/binary_io.hpp"

namespace recon::features {

/// Transparent string hash so lookups by string_view allocate nothing.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

class LabelEncoder {
 public:
  /// Code of `label`: while learning, a new label gets the next code; otherwise unseen labels give -1.
  std::int32_t Encode(std::string_view label, bool learning);
  /// Code of `label` without learning.
  std::int32_t Lookup(std::string_view label) const;
  /// Labels in code order.
  const std::vector<std::string>& Labels() const { return labels_; }

  void Save(BinaryWriter& writer) const;
  static LabelEncoder Load(BinaryReader& reader);

 private:
  std::vector<std::string> labels_;
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> codes_;
};

}  // namespace recon::features
