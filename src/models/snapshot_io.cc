#include "models/snapshot_io.h"

#include "core/coding.h"

namespace recd {

namespace {
constexpr std::string_view kMagic = "RECDMODL";
constexpr uint32_t kVersion = 1;
}  // namespace

SnapshotWriter::SnapshotWriter(std::string_view spec) {
  out_.append(kMagic);
  PutFixed<uint32_t>(&out_, kVersion);
  PutLengthPrefixed(&out_, spec);
}

void SnapshotWriter::Section(std::string_view tag, std::string_view payload) {
  std::string t(tag);
  t.resize(4, ' ');
  out_.append(t);
  PutFixed<uint64_t>(&out_, payload.size());
  out_.append(payload);
}

std::string SnapshotWriter::Finish() {
  PutFixed<uint64_t>(&out_, Fnv1a64(out_));
  return std::move(out_);
}

Result<SnapshotReader> SnapshotReader::Open(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 4 + 4 + 8 || bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::Corruption("model snapshot: bad magic");
  }
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + body.size(), 8);
  Decoder d(body.substr(kMagic.size()));
  uint32_t version = 0;
  if (!d.Fixed(&version) || version != kVersion) {
    return Status::Corruption("model snapshot: unsupported format version " + std::to_string(version));
  }
  if (Fnv1a64(body) != stored) return Status::Corruption("model snapshot: checksum mismatch");
  SnapshotReader reader;
  if (!d.LengthPrefixed(&reader.spec_)) return Status::Corruption("model snapshot: truncated header");
  std::string_view rest = body.substr(body.size() - d.remaining());
  while (!rest.empty()) {
    if (rest.size() < 12) return Status::Corruption("model snapshot: truncated section header");
    std::string tag(rest.substr(0, 4));
    uint64_t length = 0;
    std::memcpy(&length, rest.data() + 4, 8);
    if (rest.size() - 12 < length) return Status::Corruption("model snapshot: section " + tag + " is truncated");
    reader.sections_[tag] = rest.substr(12, length);
    rest.remove_prefix(12 + length);
  }
  return reader;
}

Result<std::string_view> SnapshotReader::Section(std::string_view tag) const {
  std::string t(tag);
  t.resize(4, ' ');
  auto it = sections_.find(t);
  if (it == sections_.end()) return Status::Corruption("model snapshot: section " + t + " is missing");
  return it->second;
}

}  // namespace recd
