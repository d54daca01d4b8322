#include "search/suggester.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "search/feedback.h"

namespace recd {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Words split on ASCII spaces and punctuation (other bytes, e.g. CJK, stay inside words).
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u)) {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += static_cast<char>(u < 0x80 ? std::tolower(u) : u);
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// Entries of `m` starting with `prefix`, scanning at most `limit` of them.
template <typename Map, typename Fn>
void WithPrefix(const Map& m, const std::string& prefix, size_t limit, Fn&& fn) {
  size_t scanned = 0;
  for (auto it = m.lower_bound(prefix); it != m.end() && scanned < limit; ++it, ++scanned) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    fn(it->first, it->second);
  }
}

}  // namespace

void Suggester::AddTitle(std::string_view title) {
  std::vector<std::string> words = Words(title);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  for (const std::string& w : words) {
    if (w.size() >= 2) ++words_[w];
  }
}

void Suggester::AddQuery(std::string_view query) {
  std::string q = NormalizeQuery(query);
  if (!q.empty()) ++queries_[q];
}

std::vector<std::string> Suggester::Complete(std::string_view prefix, size_t n) const {
  const std::string p = Lower(prefix);
  std::vector<std::pair<uint64_t, std::string>> found;
  std::set<std::string> seen;
  constexpr size_t kScan = 20000;
  WithPrefix(queries_, p, kScan, [&](const std::string& q, uint64_t count) {
    if (seen.insert(q).second) found.emplace_back(count, q);
  });
  const size_t cut = p.find_last_of(' ');
  const std::string head = cut == std::string::npos ? "" : p.substr(0, cut + 1);
  const std::string last = cut == std::string::npos ? p : p.substr(cut + 1);
  if (!last.empty()) {
    WithPrefix(words_, last, kScan, [&](const std::string& w, uint64_t count) {
      std::string s = head + w;
      if (seen.insert(s).second) found.emplace_back(count, std::move(s));
    });
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  std::vector<std::string> out;
  for (size_t i = 0; i < found.size() && i < n; ++i) out.push_back(std::move(found[i].second));
  return out;
}

}  // namespace recd
