#include "pipeline/pipeline.h"

#include <algorithm>

namespace recd {

std::string_view SourceName(Source source) {
  switch (source) {
    case Source::kItemKnn: return "itemknn";
    case Source::kBlend: return "blend";
    case Source::kContent: return "content";
    case Source::kPopularity: return "popularity";
    case Source::kTrending: return "trending";
    case Source::kExplore: return "explore";
    case Source::kCohort: return "cohort";
  }
  return "unknown";
}

std::string_view RequestFilter::Why(ItemIdx item) const {
  if (!catalog_.Recommendable(item, now_ms_)) return "not sellable (hidden, unavailable or expired)";
  if (category_ && !catalog_.InCategory(item, *category_)) return "outside the requested category";
  for (size_t k = 0; k < excluded_.size(); ++k) {
    if (std::binary_search(excluded_[k].begin(), excluded_[k].end(), item)) return why_[k];
  }
  return "";
}

namespace {
// "because you viewed X", "because you put X in your cart".
std::string BecauseYou(EventType type, std::string_view name) {
  std::string n(name);
  switch (type) {
    case EventType::kClick: return "because you clicked " + n;
    case EventType::kAddToCart: return "because you put " + n + " in your cart";
    case EventType::kPurchase: return "because you bought " + n;
    case EventType::kRating: return "because you rated " + n;
    case EventType::kFavorite: return "because you saved " + n + " as a favourite";
    default: return "because you viewed " + n;
  }
}
}  // namespace

std::string Explain(const Candidate& c, const Catalog& catalog, std::string_view because_name,
                    std::string_view category_filter) {
  switch (c.source) {
    case Source::kItemKnn:
      return BecauseYou(c.because_type, because_name);
    case Source::kBlend:
      return c.because == kNoIdx ? "picked for you" : BecauseYou(c.because_type, because_name);
    case Source::kContent:
      return "with a description like " + std::string(because_name);
    case Source::kTrending:
      return "trending now";
    case Source::kExplore:
      return "new in the shop";
    case Source::kCohort:
      return "popular with shoppers like you";
    case Source::kPopularity: {
      std::string_view category =
          !category_filter.empty() ? category_filter : catalog.PrimaryCategory(c.item);
      return category.empty() ? "popular right now" : "popular in " + std::string(category);
    }
  }
  return "";
}

}  // namespace recd
