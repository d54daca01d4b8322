// SnapshotWriter / SnapshotReader: the stored form of a trained model. Versioned, tagged
// sections, checksummed (in the spirit of faiss impl/io.h and LevelDB's log format):
//
//   "RECDMODL" | u32 format version | str spec |
//   sections: 4-byte tag | u64 payload length | payload ... |
//   u64 FNV-1a checksum of everything before it
//
// A model writes its sections in any order and reads them back by tag; a reader refuses, with a
// Corruption status that says which, a bad magic, an unknown version, a checksum mismatch, a
// truncated section, a missing section or a spec that is not the one expected.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recd/status.h"

namespace recd {

class SnapshotWriter {
 public:
  explicit SnapshotWriter(std::string_view spec);
  // Adds a section; `tag` is 4 characters.
  void Section(std::string_view tag, std::string_view payload);
  template <typename T>
  void Array(std::string_view tag, std::span<const T> values) {
    Section(tag, std::string_view(reinterpret_cast<const char*>(values.data()), values.size_bytes()));
  }
  // The finished bytes, checksum appended.
  std::string Finish();

 private:
  std::string out_;
};

class SnapshotReader {
 public:
  // Checks magic, version and checksum and indexes the sections.
  static Result<SnapshotReader> Open(std::string_view bytes);

  const std::string& spec() const { return spec_; }
  // Corruption naming the tag when the section is absent.
  Result<std::string_view> Section(std::string_view tag) const;
  // A section read as an array of T; Corruption if its size is not a multiple of sizeof(T).
  template <typename T>
  Status Array(std::string_view tag, std::vector<T>* out) const {
    Result<std::string_view> bytes = Section(tag);
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() % sizeof(T) != 0) return Status::Corruption("model snapshot: section " + std::string(tag) + " has a bad size");
    out->resize(bytes->size() / sizeof(T));
    if (!out->empty()) std::memcpy(out->data(), bytes->data(), bytes->size());
    return Status::OK();
  }

 private:
  std::string spec_;
  std::map<std::string, std::string_view, std::less<>> sections_;
};

}  // namespace recd
