// Suggester: query completions from catalog titles and from what shoppers searched. Phrases are
// kept lower-cased (ASCII) with a count: each distinct title word counts once per item, each
// searched query once per search. A prefix is completed by whole past queries starting with it,
// and by title words completing its last word.
//
// Thread safety: not synchronized; the engine guards it with its state lock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace recd {

class Suggester {
 public:
  void AddTitle(std::string_view title);
  void AddQuery(std::string_view query);
  // At most n completions, the most frequent first (ties alphabetical).
  std::vector<std::string> Complete(std::string_view prefix, size_t n) const;

 private:
  std::map<std::string, uint64_t, std::less<>> queries_;
  std::map<std::string, uint64_t, std::less<>> words_;
};

}  // namespace recd
