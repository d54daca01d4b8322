// The request pipeline's shared pieces: candidates from the sources, the filter object that
// applies business rules to every source alike, and explanations.
//
// Business rules live here, never inside a model: a model proposes, the filter disposes.
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/ids.h"
#include "core/top_k.h"
#include "recd/event.h"

namespace recd {

enum class Source : uint8_t { kItemKnn, kBlend, kContent, kPopularity, kTrending, kExplore, kCohort };
std::string_view SourceName(Source source);

struct Candidate {
  ItemIdx item;
  double score;
  Source source;
  ItemIdx because = kNoIdx;  // the shopper's item that led to it (item-kNN)
  EventType because_type = EventType::kView;
};

// Business rules for one request: only recommendable items, in the requested category, not
// excluded for the shopper (bought, disliked) nor by the request, nor already listed.
class RequestFilter {
 public:
  RequestFilter(const Catalog& catalog, int64_t now_ms) : catalog_(catalog), now_ms_(now_ms) {}

  void RestrictToCategory(CategoryIdx category) { category_ = category; }
  // Both spans must be sorted and outlive the filter. `why` says why, for Why().
  void Exclude(std::span<const ItemIdx> sorted_items, std::string_view why = "excluded") {
    excluded_.push_back(sorted_items);
    why_.push_back(why);
  }

  bool Keep(ItemIdx item) const { return Why(item).empty(); }
  // Why `item` is filtered out ("" if it is kept): for the shopper inspector.
  std::string_view Why(ItemIdx item) const;

 private:
  const Catalog& catalog_;
  int64_t now_ms_;
  std::optional<CategoryIdx> category_;
  std::vector<std::span<const ItemIdx>> excluded_;
  std::vector<std::string_view> why_;  // parallel to excluded_
};

// The best `n` items by `score(item)` among items [0, num_items) that pass `keep`.
// Items for which has_score(item) is false are skipped.
template <typename HasScore, typename ScoreFn, typename Keep>
std::vector<Scored> TopItems(size_t num_items, size_t n, HasScore&& has_score, ScoreFn&& score,
                             Keep&& keep) {
  TopK top(n);
  for (ItemIdx i = 0; i < num_items; ++i) {
    if (has_score(i) && keep(i)) top.Push(i, score(i));
  }
  return top.Take();
}

// "because you bought Blue Kettle", "popular in kitchen/kettles", "trending now".
// `item_name(idx)` gives the display name of an item.
std::string Explain(const Candidate& candidate, const Catalog& catalog,
                    std::string_view because_name, std::string_view category_filter);

}  // namespace recd
