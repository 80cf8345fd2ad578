#include "recon/features/label_encoder.hpp"

namespace recon::features {

std::int32_t LabelEncoder::Lookup(std::string_view label) const {
  const auto found = codes_.find(label);
  return found == codes_.end() ? -1 : found->second;
}

std::int32_t LabelEncoder::Encode(std::string_view label, bool learning) {
  const auto found = codes_.find(label);
  if (found != codes_.end()) return found->second;
  if (!learning) return -1;
  const auto code = static_cast<std::int32_t>(labels_.size());
  labels_.emplace_back(label);
  codes_.emplace(labels_.back(), code);
  return code;
}

void LabelEncoder::Save(BinaryWriter& writer) const {
  writer.Write<std::uint64_t>(labels_.size());
  for (const std::string& label : labels_) writer.WriteString(label);
}

LabelEncoder LabelEncoder::Load(BinaryReader& reader) {
  LabelEncoder encoder;
  const auto count = reader.Read<std::uint64_t>("label vocabulary size");
  for (std::uint64_t label_idx = 0; label_idx < count; ++label_idx) {
    encoder.Encode(reader.ReadString("label"), /*learning=*/true);
  }
  return encoder;
}

}  // namespace recon::features
