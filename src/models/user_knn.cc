#include "models/user_knn.h"

#include <algorithm>
#include <cmath>

namespace recd {

namespace {

struct UserKnnParams {
  int k = 50;
  double shrink = 0;
  std::string Spec() const {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "userknn(k=%d,shrink=%g)", k, shrink);
    return buf;
  }
};

Status ParseUserKnn(ModelSpec& spec, UserKnnParams* p) {
  RECD_RETURN_IF_ERROR(spec.GetInt("k", 50, 1, 1 << 20, &p->k));
  RECD_RETURN_IF_ERROR(spec.GetDouble("shrink", 0.0, 0.0, 1e9, &p->shrink));
  return spec.CheckAllUsed();
}

class UserKnnRecommender : public Recommender {
 public:
  UserKnnRecommender(InteractionMatrix users, UserKnnParams params)
      : users_(std::move(users)), items_(users_.Transposed()), params_(params), norm_(users_.num_rows, 0.0f) {
    for (uint32_t u = 0; u < users_.num_rows; ++u) {
      double sq = 0;
      for (uint64_t k = users_.row_ptr[u]; k < users_.row_ptr[u + 1]; ++k) sq += double(users_.values[k]) * users_.values[k];
      norm_[u] = static_cast<float>(std::sqrt(sq));
    }
  }
  std::string Spec() const override { return params_.Spec(); }

  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    // The history as a binary vector over known items.
    const std::vector<ItemIdx> h = PositiveItems(history, users_.num_cols);
    if (h.empty()) return {};
    // Dot products with every training shopper who shares an item.
    std::vector<std::pair<uint32_t, float>> dots;
    {
      std::vector<float> dot(users_.num_rows, 0.0f);
      std::vector<uint32_t> touched;
      for (ItemIdx i : h) {
        for (uint64_t k = items_.row_ptr[i]; k < items_.row_ptr[i + 1]; ++k) {
          const uint32_t v = items_.cols[k];
          if (dot[v] == 0.0f) touched.push_back(v);
          dot[v] += items_.values[k];
        }
      }
      const float h_norm = std::sqrt(static_cast<float>(h.size()));
      TopK top(static_cast<size_t>(params_.k));
      for (uint32_t v : touched) top.Push(v, dot[v] / (h_norm * norm_[v] + params_.shrink));
      for (const Scored& s : top.Take()) dots.emplace_back(s.idx, static_cast<float>(s.score));
    }
    std::vector<float> score(users_.num_cols, 0.0f);
    std::vector<ItemIdx> candidates;
    for (const auto& [v, sim] : dots) {
      for (uint64_t k = users_.row_ptr[v]; k < users_.row_ptr[v + 1]; ++k) {
        const ItemIdx i = users_.cols[k];
        if (score[i] == 0.0f) candidates.push_back(i);
        score[i] += sim * users_.values[k];
      }
    }
    TopK top(n);
    for (ItemIdx i : candidates) {
      if (score[i] > 0 && keep(i)) top.Push(i, score[i]);
    }
    return top.Take();
  }

  std::string Save() const override {
    SnapshotWriter w(Spec());
    const uint64_t dims[2] = {users_.num_rows, users_.num_cols};
    w.Array<uint64_t>("DIMS", dims);
    w.Array<uint64_t>("ROWS", users_.row_ptr);
    w.Array<uint32_t>("COLS", users_.cols);
    w.Array<float>("VALS", users_.values);
    return w.Finish();
  }

 private:
  InteractionMatrix users_;  // shoppers x items
  InteractionMatrix items_;  // items x shoppers
  UserKnnParams params_;
  std::vector<float> norm_;
};

}  // namespace

Result<std::unique_ptr<Recommender>> TrainUserKnn(ModelSpec& spec, const TrainingData& data) {
  UserKnnParams p;
  RECD_RETURN_IF_ERROR(ParseUserKnn(spec, &p));
  return std::unique_ptr<Recommender>(new UserKnnRecommender(data.matrix, p));
}

Result<std::unique_ptr<Recommender>> LoadUserKnn(ModelSpec& spec, const SnapshotReader& reader) {
  UserKnnParams p;
  Status st = ParseUserKnn(spec, &p);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  InteractionMatrix m;
  std::vector<uint64_t> dims;
  RECD_RETURN_IF_ERROR(reader.Array("DIMS", &dims));
  RECD_RETURN_IF_ERROR(reader.Array("ROWS", &m.row_ptr));
  RECD_RETURN_IF_ERROR(reader.Array("COLS", &m.cols));
  RECD_RETURN_IF_ERROR(reader.Array("VALS", &m.values));
  if (dims.size() != 2 || dims[0] > UINT32_MAX || dims[1] > UINT32_MAX || m.row_ptr.size() != dims[0] + 1 ||
      m.row_ptr.front() != 0 || m.row_ptr.back() != m.cols.size() || m.values.size() != m.cols.size()) {
    return Status::Corruption("model snapshot: userknn matrix does not fit together");
  }
  m.num_rows = static_cast<uint32_t>(dims[0]);
  m.num_cols = static_cast<uint32_t>(dims[1]);
  for (size_t r = 0; r + 1 < m.row_ptr.size(); ++r) {
    if (m.row_ptr[r] > m.row_ptr[r + 1]) return Status::Corruption("model snapshot: userknn rows decrease");
  }
  for (uint32_t c : m.cols) {
    if (c >= m.num_cols) return Status::Corruption("model snapshot: userknn item out of range");
  }
  return std::unique_ptr<Recommender>(new UserKnnRecommender(std::move(m), p));
}

}  // namespace recd
