#include "models/model.h"

#include <algorithm>
#include <thread>

#include "models/als.h"
#include "models/ease.h"
#include "models/item_knn.h"
#include "models/sar.h"
#include "models/spec.h"

namespace recd {

namespace {

// Items ranked by the column sums of the training matrix: shoppers who had the item for a binary
// matrix, events for a count matrix. The floor every model must beat. Ties: smaller index first.
class PopularityRecommender : public Recommender {
 public:
  explicit PopularityRecommender(const InteractionMatrix& m) {
    std::vector<double> count(m.num_cols, 0.0);
    for (uint64_t k = 0; k < m.nnz(); ++k) count[m.cols[k]] += m.values[k];
    for (ItemIdx i = 0; i < m.num_cols; ++i) {
      if (count[i] > 0) ranked_.push_back({i, count[i]});
    }
    std::sort(ranked_.begin(), ranked_.end(), BetterThan);
  }
  std::string Spec() const override { return "popularity"; }
  std::vector<Scored> Recommend(std::span<const UserEvent>, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    std::vector<Scored> out;
    for (const Scored& s : ranked_) {
      if (out.size() >= n) break;
      if (keep(s.idx)) out.push_back(s);
    }
    return out;
  }

 private:
  std::vector<Scored> ranked_;
};

class ItemKnnRecommender : public Recommender {
 public:
  explicit ItemKnnRecommender(ItemKnnModel model) : model_(std::move(model)) {}
  std::string Spec() const override { return model_.params().Spec(); }
  // Binary affinity: every item with positive total weight in the history counts once.
  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    std::vector<Affinity> affinity;
    for (const UserEvent& e : history) affinity.push_back({e.item, e.weight});
    std::sort(affinity.begin(), affinity.end(), [](const Affinity& a, const Affinity& b) { return a.item < b.item; });
    size_t out_n = 0;
    for (size_t a = 0; a < affinity.size();) {
      size_t b = a;
      float total = 0;
      while (b < affinity.size() && affinity[b].item == affinity[a].item) total += affinity[b++].weight;
      if (total > 0) affinity[out_n++] = {affinity[a].item, 1.0f};
      a = b;
    }
    affinity.resize(out_n);
    std::vector<Scored> out;
    for (const KnnCandidate& c : model_.Score(affinity, n, keep)) out.push_back({c.item, c.score});
    return out;
  }

 private:
  ItemKnnModel model_;
};

}  // namespace

const std::vector<std::string>& RecommenderNames() {
  static const std::vector<std::string> names = {"popularity", "itemknn", "sar", "ease", "als"};
  return names;
}

Result<std::unique_ptr<Recommender>> TrainRecommender(const std::string& text, const TrainingData& data) {
  const InteractionMatrix& m = data.matrix;
  Result<ModelSpec> parsed = ModelSpec::Parse(text);
  if (!parsed.ok()) return parsed.status();
  ModelSpec& spec = *parsed;
  if (spec.name() == "popularity") {
    RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
    return std::unique_ptr<Recommender>(new PopularityRecommender(m));
  }
  if (spec.name() == "itemknn") {
    ItemKnnParams params;
    std::string sim, weighting;
    RECD_RETURN_IF_ERROR(spec.GetInt("k", 200, 1, 1 << 20, &params.k));
    RECD_RETURN_IF_ERROR(spec.GetDouble("shrink", 0.0, 0.0, 1e9, &params.shrink));
    RECD_RETURN_IF_ERROR(spec.GetDouble("alpha", 0.5, 0.0, 1.0, &params.alpha));
    RECD_RETURN_IF_ERROR(spec.GetString("sim", "cosine", &sim));
    RECD_RETURN_IF_ERROR(spec.GetString("weighting", "none", &weighting));
    static const std::pair<const char*, KnnSimilarity> kSims[] = {
        {"cosine", KnnSimilarity::kCosine}, {"asymmetric", KnnSimilarity::kAsymmetric},
        {"jaccard", KnnSimilarity::kJaccard}, {"conditional", KnnSimilarity::kConditional}};
    static const std::pair<const char*, KnnWeighting> kWeightings[] = {
        {"none", KnnWeighting::kNone}, {"tfidf", KnnWeighting::kTfIdf}, {"bm25", KnnWeighting::kBm25}};
    auto sim_it = std::find_if(std::begin(kSims), std::end(kSims), [&](const auto& e) { return sim == e.first; });
    auto w_it = std::find_if(std::begin(kWeightings), std::end(kWeightings), [&](const auto& e) { return weighting == e.first; });
    if (sim_it == std::end(kSims)) {
      return Status::InvalidArgument("model spec '" + text + "': sim must be cosine, asymmetric, jaccard or conditional");
    }
    if (w_it == std::end(kWeightings)) {
      return Status::InvalidArgument("model spec '" + text + "': weighting must be none, tfidf or bm25");
    }
    params.sim = sim_it->second;
    params.weighting = w_it->second;
    RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::unique_ptr<Recommender>(new ItemKnnRecommender(ItemKnnModel::Build(m, params, threads)));
  }
  if (spec.name() == "sar") return TrainSar(spec, data);
  if (spec.name() == "ease") return TrainEase(spec, data);
  if (spec.name() == "als") return TrainAls(spec, data);
  return Status::InvalidArgument("model spec '" + text + "': unknown model '" + spec.name() +
                                 "' (expected popularity, itemknn, sar, ease or als)");
}

}  // namespace recd
