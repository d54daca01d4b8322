#include "models/model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <thread>

#include "data/split.h"
#include "models/als.h"
#include "models/bpr.h"
#include "models/cohort.h"
#include "models/content.h"
#include "models/ease.h"
#include "models/item_knn.h"
#include "models/sar.h"
#include "models/session_knn.h"
#include "models/snapshot_io.h"
#include "models/spec.h"
#include "models/user_knn.h"

namespace recd {

namespace {

// One list for every shopper, minus what the filter rejects: "popularity" ranks items by the
// column sums of the training matrix (shoppers who had the item for a binary matrix, events for a
// count matrix; ties: smaller index first), the floor every model must beat. "random(seed=S)"
// ranks every item in a seeded random order, the chance level (e.g. for cold items, which
// popularity cannot rank).
class RankedListRecommender : public Recommender {
 public:
  RankedListRecommender(std::vector<Scored> ranked, std::string spec)
      : ranked_(std::move(ranked)), spec_(std::move(spec)) {}
  static std::unique_ptr<Recommender> Popularity(const InteractionMatrix& m) {
    std::vector<double> count(m.num_cols, 0.0);
    for (uint64_t k = 0; k < m.nnz(); ++k) count[m.cols[k]] += m.values[k];
    std::vector<Scored> ranked;
    for (ItemIdx i = 0; i < m.num_cols; ++i) {
      if (count[i] > 0) ranked.push_back({i, count[i]});
    }
    std::sort(ranked.begin(), ranked.end(), BetterThan);
    return std::make_unique<RankedListRecommender>(std::move(ranked), "popularity");
  }
  static std::unique_ptr<Recommender> Random(const InteractionMatrix& m, int seed) {
    std::vector<uint32_t> perm = NumpyPermutation(m.num_cols, static_cast<uint32_t>(seed));
    std::vector<Scored> ranked;
    for (size_t k = 0; k < perm.size(); ++k) ranked.push_back({perm[k], static_cast<double>(perm.size() - k)});
    return std::make_unique<RankedListRecommender>(std::move(ranked), "random(seed=" + std::to_string(seed) + ")");
  }
  std::string Spec() const override { return spec_; }
  std::vector<Scored> Recommend(std::span<const UserEvent>, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    std::vector<Scored> out;
    for (const Scored& s : ranked_) {
      if (out.size() >= n) break;
      if (keep(s.idx)) out.push_back(s);
    }
    return out;
  }
  std::string Save() const override {
    std::vector<uint32_t> items;
    std::vector<double> scores;
    for (const Scored& s : ranked_) {
      items.push_back(s.idx);
      scores.push_back(s.score);
    }
    SnapshotWriter w(Spec());
    w.Array<uint32_t>("ITEM", items);
    w.Array<double>("SCOR", scores);
    return w.Finish();
  }
  static Result<std::unique_ptr<Recommender>> Load(const SnapshotReader& r) {
    std::vector<uint32_t> items;
    std::vector<double> scores;
    RECD_RETURN_IF_ERROR(r.Array("ITEM", &items));
    RECD_RETURN_IF_ERROR(r.Array("SCOR", &scores));
    if (items.size() != scores.size()) return Status::Corruption("model snapshot: ranked list sections differ in length");
    std::vector<Scored> ranked;
    for (size_t k = 0; k < items.size(); ++k) ranked.push_back({items[k], scores[k]});
    return std::unique_ptr<Recommender>(new RankedListRecommender(std::move(ranked), r.spec()));
  }

 private:
  std::vector<Scored> ranked_;
  std::string spec_;
};

class ItemKnnRecommender : public Recommender {
 public:
  explicit ItemKnnRecommender(ItemKnnModel model) : model_(std::move(model)) {}
  std::string Spec() const override { return model_.params().Spec(); }
  // Binary affinity: every item with positive total weight in the history counts once.
  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    std::vector<Affinity> affinity;
    for (ItemIdx i : PositiveItems(history, model_.num_items())) affinity.push_back({i, 1.0f});
    std::vector<Scored> out;
    for (const KnnCandidate& c : model_.Score(affinity, n, keep)) out.push_back({c.item, c.score});
    return out;
  }
  std::string Save() const override {
    SnapshotWriter w(Spec());
    w.Array<uint64_t>("OFFS", model_.offsets());
    w.Array<Neighbor>("NBRS", model_.neighbors());
    return w.Finish();
  }
  static Result<std::unique_ptr<Recommender>> Load(const ItemKnnParams& params, const SnapshotReader& r) {
    std::vector<uint64_t> offsets;
    std::vector<Neighbor> neighbors;
    RECD_RETURN_IF_ERROR(r.Array("OFFS", &offsets));
    RECD_RETURN_IF_ERROR(r.Array("NBRS", &neighbors));
    for (size_t i = 0; i + 1 < offsets.size(); ++i) {
      if (offsets[i] > offsets[i + 1]) return Status::Corruption("model snapshot: itemknn offsets decrease");
    }
    if (offsets.empty() || offsets.back() != neighbors.size() || offsets.front() != 0) {
      return Status::Corruption("model snapshot: itemknn offsets do not match the neighbours");
    }
    for (const Neighbor& nb : neighbors) {
      if (size_t{nb.item} + 1 >= offsets.size()) return Status::Corruption("model snapshot: itemknn neighbour out of range");
    }
    return std::unique_ptr<Recommender>(
        new ItemKnnRecommender(ItemKnnModel::FromTable(params, std::move(offsets), std::move(neighbors))));
  }

 private:
  ItemKnnModel model_;
};

Status ParseItemKnn(ModelSpec& spec, ItemKnnParams* params) {
  std::string sim, weighting;
  RECD_RETURN_IF_ERROR(spec.GetInt("k", 200, 1, 1 << 20, &params->k));
  RECD_RETURN_IF_ERROR(spec.GetDouble("shrink", 0.0, 0.0, 1e9, &params->shrink));
  RECD_RETURN_IF_ERROR(spec.GetDouble("alpha", 0.5, 0.0, 1.0, &params->alpha));
  RECD_RETURN_IF_ERROR(spec.GetString("sim", "cosine", &sim));
  RECD_RETURN_IF_ERROR(spec.GetString("weighting", "none", &weighting));
  static const std::pair<const char*, KnnSimilarity> kSims[] = {
      {"cosine", KnnSimilarity::kCosine}, {"asymmetric", KnnSimilarity::kAsymmetric},
      {"jaccard", KnnSimilarity::kJaccard}, {"conditional", KnnSimilarity::kConditional}};
  static const std::pair<const char*, KnnWeighting> kWeightings[] = {
      {"none", KnnWeighting::kNone}, {"tfidf", KnnWeighting::kTfIdf}, {"bm25", KnnWeighting::kBm25}};
  auto sim_it = std::find_if(std::begin(kSims), std::end(kSims), [&](const auto& e) { return sim == e.first; });
  auto w_it = std::find_if(std::begin(kWeightings), std::end(kWeightings), [&](const auto& e) { return weighting == e.first; });
  if (sim_it == std::end(kSims)) return Status::InvalidArgument("itemknn: sim must be cosine, asymmetric, jaccard or conditional");
  if (w_it == std::end(kWeightings)) return Status::InvalidArgument("itemknn: weighting must be none, tfidf or bm25");
  params->sim = sim_it->second;
  params->weighting = w_it->second;
  return spec.CheckAllUsed();
}

}  // namespace

std::vector<ItemIdx> PositiveItems(std::span<const UserEvent> history, size_t num_items) {
  std::vector<std::pair<ItemIdx, float>> w;
  for (const UserEvent& e : history) {
    if (e.item < num_items) w.emplace_back(e.item, e.weight);
  }
  std::sort(w.begin(), w.end());
  std::vector<ItemIdx> out;
  for (size_t a = 0; a < w.size();) {
    size_t b = a;
    float total = 0;
    while (b < w.size() && w[b].first == w[a].first) total += w[b++].second;
    if (total > 0) out.push_back(w[a].first);
    a = b;
  }
  return out;
}

const std::vector<std::string>& RecommenderNames() {
  static const std::vector<std::string> names = {"popularity", "random", "cohort", "itemknn", "content", "userknn", "sar", "ease", "als", "bpr",
                                                 "ar", "sr", "vsknn", "vmis", "stan", "vstan"};
  return names;
}

Result<std::unique_ptr<Recommender>> TrainRecommender(const std::string& text, const TrainingData& data) {
  const InteractionMatrix& m = data.matrix;
  Result<ModelSpec> parsed = ModelSpec::Parse(text);
  if (!parsed.ok()) return parsed.status();
  ModelSpec& spec = *parsed;
  if (spec.name() == "popularity") {
    RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
    return RankedListRecommender::Popularity(m);
  }
  if (spec.name() == "random") {
    int seed = 42;
    RECD_RETURN_IF_ERROR(spec.GetInt("seed", 42, 0, std::numeric_limits<int>::max(), &seed));
    RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
    return RankedListRecommender::Random(m, seed);
  }
  if (spec.name() == "itemknn") {
    ItemKnnParams params;
    RECD_RETURN_IF_ERROR(ParseItemKnn(spec, &params));
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::unique_ptr<Recommender>(new ItemKnnRecommender(ItemKnnModel::Build(m, params, threads)));
  }
  if (spec.name() == "userknn") return TrainUserKnn(spec, data);
  if (spec.name() == "content") return TrainContent(spec, data);
  if (spec.name() == "cohort") return TrainCohort(spec, data);
  if (spec.name() == "sar") return TrainSar(spec, data);
  if (spec.name() == "ease") return TrainEase(spec, data);
  if (spec.name() == "als") return TrainAls(spec, data);
  if (spec.name() == "bpr") return TrainBpr(spec, data);
  if (spec.name() == "sr") return TrainSr(spec, data);
  if (spec.name() == "ar") return TrainAr(spec, data);
  if (spec.name() == "vsknn") return TrainVsknn(spec, data);
  if (spec.name() == "stan" || spec.name() == "vstan") return TrainStan(spec, data);
  if (spec.name() == "vmis") return TrainVmis(spec, data);
  return Status::InvalidArgument("model spec '" + text + "': unknown model '" + spec.name() +
                                 "' (expected popularity, random, cohort, itemknn, content, userknn, sar, ease, als, bpr, ar, sr, vsknn, vmis, stan or vstan)");
}

Result<std::unique_ptr<Recommender>> LoadRecommender(std::string_view bytes) {
  Result<SnapshotReader> reader = SnapshotReader::Open(bytes);
  if (!reader.ok()) return reader.status();
  Result<ModelSpec> parsed = ModelSpec::Parse(reader->spec());
  if (!parsed.ok()) return Status::Corruption("model snapshot: " + parsed.status().message());
  ModelSpec& spec = *parsed;
  Result<std::unique_ptr<Recommender>> model = Status::Corruption("model snapshot: unknown model '" + spec.name() + "'");
  if (spec.name() == "popularity" || spec.name() == "random") {
    model = RankedListRecommender::Load(*reader);
  } else if (spec.name() == "itemknn") {
    ItemKnnParams params;
    Status st = ParseItemKnn(spec, &params);
    if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
    model = ItemKnnRecommender::Load(params, *reader);
  } else if (spec.name() == "content") {
    model = LoadContent(spec, *reader);
  } else if (spec.name() == "cohort") {
    model = LoadCohort(spec, *reader);
  } else if (spec.name() == "userknn") {
    model = LoadUserKnn(spec, *reader);
  } else if (spec.name() == "sar") {
    model = LoadSar(spec, *reader);
  } else if (spec.name() == "ease") {
    model = LoadEase(spec, *reader);
  } else if (spec.name() == "als") {
    model = LoadAls(spec, *reader);
  } else if (spec.name() == "bpr") {
    model = LoadBpr(spec, *reader);
  } else if (spec.name() == "ar" || spec.name() == "sr" || spec.name() == "vsknn" || spec.name() == "vmis" || spec.name() == "stan" ||
             spec.name() == "vstan") {
    model = LoadSessionModel(spec, *reader);
  }
  if (model.ok() && (*model)->Spec() != reader->spec()) {
    return Status::Corruption("model snapshot: spec '" + reader->spec() + "' reloads as '" + (*model)->Spec() + "'");
  }
  return model;
}

}  // namespace recd
