#include "search/feedback.h"

#include <cctype>

namespace recd {

std::string NormalizeQuery(std::string_view query) {
  std::string out;
  for (char c : query) {
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void SearchFeedback::Searched(std::string_view recomm_id, std::string_view query) {
  if (recomm_id.empty()) return;
  std::string q = NormalizeQuery(query);
  if (q.empty()) return;
  auto [it, inserted] = query_of_.insert_or_assign(std::string(recomm_id), std::move(q));
  if (!inserted) return;
  order_.push_back(it->first);
  if (order_.size() > kRemembered) {
    query_of_.erase(order_.front());
    order_.pop_front();
  }
}

void SearchFeedback::Chose(std::string_view recomm_id, ItemIdx item, double weight) {
  if (recomm_id.empty() || !(weight > 0)) return;
  auto it = query_of_.find(std::string(recomm_id));
  if (it != query_of_.end()) chosen_[it->second][item] += weight;
}

const std::unordered_map<ItemIdx, double>* SearchFeedback::ChosenFor(std::string_view query) const {
  auto it = chosen_.find(NormalizeQuery(query));
  return it == chosen_.end() ? nullptr : &it->second;
}

}  // namespace recd
