#include "models/model.h"

#include <algorithm>
#include <thread>

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
  std::vector<Scored> Recommend(std::span<const Affinity>, size_t n,
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
  std::vector<Scored> Recommend(std::span<const Affinity> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    std::vector<Scored> out;
    for (const KnnCandidate& c : model_.Score(history, n, keep)) out.push_back({c.item, c.score});
    return out;
  }

 private:
  ItemKnnModel model_;
};

}  // namespace

Result<std::unique_ptr<Recommender>> TrainRecommender(const std::string& text, const InteractionMatrix& m) {
  Result<ModelSpec> parsed = ModelSpec::Parse(text);
  if (!parsed.ok()) return parsed.status();
  ModelSpec& spec = *parsed;
  if (spec.name() == "popularity") {
    RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
    return std::unique_ptr<Recommender>(new PopularityRecommender(m));
  }
  if (spec.name() == "itemknn") {
    ItemKnnParams params;
    std::string sim;
    RECD_RETURN_IF_ERROR(spec.GetInt("k", 200, 1, 1 << 20, &params.k));
    RECD_RETURN_IF_ERROR(spec.GetDouble("shrink", 0.0, 0.0, 1e9, &params.shrink));
    RECD_RETURN_IF_ERROR(spec.GetString("sim", "cosine", &sim));
    if (sim != "cosine") {
      return Status::InvalidArgument("model spec '" + text + "': sim=" + sim + " is not offered yet (cosine is)");
    }
    RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::unique_ptr<Recommender>(new ItemKnnRecommender(ItemKnnModel::Build(m, params, threads)));
  }
  return Status::InvalidArgument("model spec '" + text + "': unknown model '" + spec.name() +
                                 "' (expected popularity or itemknn)");
}

}  // namespace recd
