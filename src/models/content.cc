#include "models/content.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace recd {

namespace {

constexpr std::string_view kFieldNames[] = {"title", "brand", "description", "categories", "tags"};
const char* const kDefaultFields = "title,brand,categories";

// The fields of a spec, validated and in canonical order.
Status ParseFields(const std::string& list, std::vector<std::string>* fields) {
  fields->clear();
  for (size_t a = 0; a <= list.size();) {
    size_t b = std::min(list.find(',', a), list.size());
    std::string_view f = std::string_view(list).substr(a, b - a);
    if (std::find(std::begin(kFieldNames), std::end(kFieldNames), f) == std::end(kFieldNames)) {
      return Status::InvalidArgument("content: unknown field '" + std::string(f) +
                                     "' (expected title, brand, description, categories or tags)");
    }
    a = b + 1;
  }
  for (std::string_view f : kFieldNames) {
    if (("," + list + ",").find("," + std::string(f) + ",") != std::string::npos) fields->emplace_back(f);
  }
  return Status::OK();
}

std::string Canonical(const std::vector<std::string>& fields) {
  std::string s = "content(fields=";
  for (size_t i = 0; i < fields.size(); ++i) s += (i ? "," : "") + fields[i];
  return s + ")";
}

Status ParseSpec(ModelSpec& spec, std::vector<std::string>* fields) {
  std::string list;
  RECD_RETURN_IF_ERROR(spec.GetString("fields", kDefaultFields, &list));
  RECD_RETURN_IF_ERROR(ParseFields(list, fields));
  return spec.CheckAllUsed();
}

// Words: runs of ASCII letters and digits, lower-cased, two or more bytes; bytes above 0x7f
// stay inside words (so UTF-8 text is cut at ASCII punctuation and spaces only).
template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  std::string word;
  auto flush = [&] {
    if (word.size() >= 2) fn(word);
    word.clear();
  };
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u)) {
      flush();
    } else {
      word += static_cast<char>(u < 0x80 ? std::tolower(u) : u);
    }
  }
  flush();
}

class ContentRecommender : public Recommender {
 public:
  // `offsets`/`terms`/`weights`: the items' normalised TF-IDF vectors, item by item (CSR).
  ContentRecommender(std::vector<std::string> fields, std::vector<uint64_t> offsets, std::vector<uint32_t> terms,
                     std::vector<float> weights, uint32_t num_terms)
      : fields_(std::move(fields)),
        offsets_(std::move(offsets)),
        terms_(std::move(terms)),
        weights_(std::move(weights)),
        num_terms_(num_terms) {
    // The transpose, term -> (item, weight), for scoring a profile.
    posting_offsets_.assign(num_terms_ + 1, 0);
    for (uint32_t t : terms_) ++posting_offsets_[t + 1];
    for (uint32_t t = 0; t < num_terms_; ++t) posting_offsets_[t + 1] += posting_offsets_[t];
    postings_.resize(terms_.size());
    std::vector<uint64_t> fill(posting_offsets_.begin(), posting_offsets_.end() - 1);
    for (ItemIdx i = 0; i + 1 < offsets_.size(); ++i) {
      for (uint64_t k = offsets_[i]; k < offsets_[i + 1]; ++k) postings_[fill[terms_[k]]++] = {i, weights_[k]};
    }
  }

  std::string Spec() const override { return Canonical(fields_); }

  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    const size_t num_items = offsets_.size() - 1;
    // The history's weight per item, then the profile: their vectors summed with those weights.
    std::unordered_map<ItemIdx, double> item_weight;
    for (const UserEvent& e : history) {
      if (e.item < num_items) item_weight[e.item] += e.weight;
    }
    std::unordered_map<uint32_t, double> profile;
    for (const auto& [item, w] : item_weight) {
      for (uint64_t k = offsets_[item]; k < offsets_[item + 1]; ++k) profile[terms_[k]] += w * weights_[k];
    }
    thread_local std::vector<double> score;
    thread_local std::vector<ItemIdx> touched;
    score.assign(num_items, 0.0);
    touched.clear();
    for (const auto& [term, p] : profile) {
      if (p == 0) continue;
      for (uint64_t k = posting_offsets_[term]; k < posting_offsets_[term + 1]; ++k) {
        const auto& [item, w] = postings_[k];
        if (score[item] == 0) touched.push_back(item);
        score[item] += p * w;
      }
    }
    TopK top(n);
    for (ItemIdx i : touched) {
      auto it = item_weight.find(i);
      if (score[i] > 0 && (it == item_weight.end() || it->second <= 0) && keep(i)) top.Push(i, score[i]);
    }
    return top.Take();
  }

  std::string Save() const override {
    SnapshotWriter w(Spec());
    w.Array<uint64_t>("OFFS", offsets_);
    w.Array<uint32_t>("TERM", terms_);
    w.Array<float>("WGHT", weights_);
    w.Array<uint32_t>("NTRM", std::vector<uint32_t>{num_terms_});
    return w.Finish();
  }

  static Result<std::unique_ptr<Recommender>> Load(std::vector<std::string> fields, const SnapshotReader& r) {
    std::vector<uint64_t> offsets;
    std::vector<uint32_t> terms, num_terms;
    std::vector<float> weights;
    RECD_RETURN_IF_ERROR(r.Array("OFFS", &offsets));
    RECD_RETURN_IF_ERROR(r.Array("TERM", &terms));
    RECD_RETURN_IF_ERROR(r.Array("WGHT", &weights));
    RECD_RETURN_IF_ERROR(r.Array("NTRM", &num_terms));
    if (num_terms.size() != 1) return Status::Corruption("model snapshot: content term count missing");
    if (offsets.empty() || offsets.front() != 0 || offsets.back() != terms.size() || terms.size() != weights.size() ||
        !std::is_sorted(offsets.begin(), offsets.end())) {
      return Status::Corruption("model snapshot: content vectors do not fit together");
    }
    if (std::any_of(terms.begin(), terms.end(), [&](uint32_t t) { return t >= num_terms[0]; })) {
      return Status::Corruption("model snapshot: content term out of range");
    }
    return std::unique_ptr<Recommender>(new ContentRecommender(std::move(fields), std::move(offsets), std::move(terms),
                                                               std::move(weights), num_terms[0]));
  }

 private:
  struct Posting {
    ItemIdx item;
    float weight;
  };
  std::vector<std::string> fields_;
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t> terms_;
  std::vector<float> weights_;
  uint32_t num_terms_;
  std::vector<uint64_t> posting_offsets_;
  std::vector<Posting> postings_;
};

}  // namespace

Result<std::unique_ptr<Recommender>> TrainContent(ModelSpec& spec, const TrainingData& data) {
  std::vector<std::string> fields;
  RECD_RETURN_IF_ERROR(ParseSpec(spec, &fields));
  if (!data.item_text) return Status::InvalidArgument("content: needs the items' text");
  const uint32_t num_items = data.matrix.num_cols;
  auto has = [&](std::string_view f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };
  // Term frequencies per item over the chosen fields.
  std::unordered_map<std::string, uint32_t> vocabulary;
  std::vector<std::vector<std::pair<uint32_t, float>>> tf(num_items);
  std::vector<uint32_t> df;
  for (ItemIdx i = 0; i < num_items && i < data.item_text->size(); ++i) {
    const ItemText& text = (*data.item_text)[i];
    std::unordered_map<uint32_t, float> counts;
    auto add = [&](std::string_view s) {
      ForEachWord(s, [&](const std::string& w) { ++counts[vocabulary.emplace(w, vocabulary.size()).first->second]; });
    };
    if (has("title")) add(text.title);
    if (has("brand")) add(text.brand);
    if (has("description")) add(text.description);
    if (has("categories")) for (const std::string& c : text.categories) add(c);
    if (has("tags")) for (const std::string& t : text.tags) add(t);
    df.resize(vocabulary.size(), 0);
    for (const auto& [term, c] : counts) {
      tf[i].push_back({term, c});
      ++df[term];
    }
    std::sort(tf[i].begin(), tf[i].end());
  }
  std::vector<uint64_t> offsets{0};
  std::vector<uint32_t> terms;
  std::vector<float> weights;
  for (ItemIdx i = 0; i < num_items; ++i) {
    double norm = 0;
    const size_t first = weights.size();
    for (const auto& [term, c] : tf[i]) {
      const double w = (1.0 + std::log(c)) * std::log(static_cast<double>(num_items) / df[term]);
      if (w <= 0) continue;  // a word in every item tells nothing
      terms.push_back(term);
      weights.push_back(static_cast<float>(w));
      norm += w * w;
    }
    norm = std::sqrt(norm);
    for (size_t k = first; k < weights.size(); ++k) weights[k] = static_cast<float>(weights[k] / norm);
    offsets.push_back(terms.size());
  }
  return std::unique_ptr<Recommender>(new ContentRecommender(std::move(fields), std::move(offsets), std::move(terms),
                                                             std::move(weights), static_cast<uint32_t>(vocabulary.size())));
}

Result<std::unique_ptr<Recommender>> LoadContent(ModelSpec& spec, const SnapshotReader& reader) {
  std::vector<std::string> fields;
  Status st = ParseSpec(spec, &fields);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  return ContentRecommender::Load(std::move(fields), reader);
}

}  // namespace recd
