#include "recon/models/model_bundle.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "recon/core/error.hpp"
#include "recon/core/sha256.hpp"
#include "recon/io/atomic_file.hpp"

namespace recon::models {
namespace {

constexpr char kMagic[8] = {'R', 'E', 'C', 'O', 'N', 'M', 'D', 'L'};
constexpr std::uint32_t kEndianMarker = 0x01020304;
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;
constexpr std::size_t kDigestBytes = 32;

void WriteMetadata(BinaryWriter& writer, const TrainingMetadata& metadata) {
  writer.WriteString(metadata.source);
  writer.WriteString(metadata.data_fingerprint);
  writer.WriteString(metadata.created_at);
  writer.WriteString(metadata.recon_version);
  writer.Write(metadata.rows_seen);
  writer.Write(metadata.sample_rows);
  writer.Write(metadata.seed);
  writer.Write(metadata.contamination);
}

TrainingMetadata ReadMetadata(BinaryReader& reader) {
  TrainingMetadata metadata;
  metadata.source = reader.ReadString("metadata source");
  metadata.data_fingerprint = reader.ReadString("metadata fingerprint");
  metadata.created_at = reader.ReadString("metadata time");
  metadata.recon_version = reader.ReadString("metadata version");
  metadata.rows_seen = reader.Read<std::uint64_t>("metadata rows");
  metadata.sample_rows = reader.Read<std::uint64_t>("metadata sample rows");
  metadata.seed = reader.Read<std::uint64_t>("metadata seed");
  metadata.contamination = reader.Read<double>("metadata contamination");
  return metadata;
}

}  // namespace

std::string ModelBundle::Serialise() const {
  RECON_ASSERT(features && detector && clusterer);
  BinaryWriter payload;
  WriteMetadata(payload, metadata);
  features->Save(payload);
  payload.WriteString(detector->Name());
  detector->Save(payload);
  clusterer->Save(payload);
  payload.Write(threshold);

  BinaryWriter file;
  std::string bytes(kMagic, sizeof kMagic);
  file.Write(kFormatVersion);
  file.Write(kEndianMarker);
  file.Write<std::uint64_t>(payload.Bytes().size());
  bytes += file.Bytes();
  bytes += payload.Bytes();
  Sha256 hasher;
  hasher.Update(payload.Bytes());
  const auto digest = hasher.Finish();
  bytes.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return bytes;
}

ModelBundle ModelBundle::Deserialise(std::string_view bytes, const std::string& origin) {
  const std::string where = "model file '" + origin + "'";
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    ThrowCorrupt(where + " is not a recon model (wrong magic bytes); delete it to retrain");
  }
  if (bytes.size() < kHeaderBytes) ThrowCorrupt(where + " is truncated (incomplete header); delete it to retrain");
  BinaryReader header(bytes.substr(sizeof kMagic, kHeaderBytes - sizeof kMagic));
  const auto version = header.Read<std::uint32_t>("format version");
  const auto endian = header.Read<std::uint32_t>("endianness marker");
  const auto payload_size = header.Read<std::uint64_t>("payload size");
  if (endian != kEndianMarker) ThrowCorrupt(where + " was written with another byte order");
  if (version != kFormatVersion) {
    ThrowCorrupt(where + " has format version " + std::to_string(version) + "; this build reads version " +
                 std::to_string(kFormatVersion) + ". Retrain with 'recon train'");
  }
  if (bytes.size() != kHeaderBytes + payload_size + kDigestBytes) {
    ThrowCorrupt(where + " is truncated or has trailing data (expected " +
                 std::to_string(kHeaderBytes + payload_size + kDigestBytes) + " bytes, found " +
                 std::to_string(bytes.size()) + "); delete it to retrain");
  }
  const std::string_view payload = bytes.substr(kHeaderBytes, payload_size);
  Sha256 hasher;
  hasher.Update(payload);
  const auto digest = hasher.Finish();
  if (std::memcmp(digest.data(), bytes.data() + kHeaderBytes + payload_size, kDigestBytes) != 0) {
    ThrowCorrupt(where + " failed its checksum (the file is corrupted); delete it to retrain");
  }

  BinaryReader reader(payload);
  ModelBundle bundle;
  try {
    bundle.metadata = ReadMetadata(reader);
    bundle.features = std::make_unique<features::FeatureBuilder>(features::FeatureBuilder::Load(reader));
    const std::string detector_name = reader.ReadString("detector name");
    bundle.detector = LoadDetector(detector_name, reader);
    bundle.clusterer = std::make_unique<KMeans>(KMeans::Load(reader));
    bundle.threshold = reader.Read<double>("threshold");
  } catch (const Error& error) {
    ThrowCorrupt(where + ": " + error.what());
  }
  if (!reader.AtEnd()) ThrowCorrupt(where + " has unread data after the last section");
  if (!std::isfinite(bundle.threshold)) ThrowCorrupt(where + " holds a non-finite threshold");
  return bundle;
}

void ModelBundle::Save(const std::string& path) const {
  const std::string bytes = Serialise();
  const std::filesystem::path target(path);
  std::error_code error;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), error);
  // Written beside the target, fsynced, then renamed over it: a crash leaves the previous model or the new one,
  // never a truncated file that the next run would refuse.
  io::AtomicFile file(path);
  file.Write(bytes);
  file.Commit();
}

ModelBundle ModelBundle::Load(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) ThrowNotFound("model file '" + path + "' does not exist");
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowUnavailable("cannot read model file '" + path + "': " + std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  return Deserialise(contents.str(), path);
}

}  // namespace recon::models
