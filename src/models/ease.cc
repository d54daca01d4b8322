#include "models/ease.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "models/dense_item_item.h"

namespace recd {

namespace {

class EaseRecommender : public Recommender {
 public:
  EaseRecommender(DenseItemItem weights, std::string spec) : weights_(std::move(weights)), spec_(std::move(spec)) {}
  std::string Spec() const override { return spec_; }
  std::string Save() const override {
    SnapshotWriter w(spec_);
    weights_.Save(&w);
    return w.Finish();
  }

  // x is binary: every item with positive total weight in the history counts once.
  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    std::vector<std::pair<ItemIdx, float>> positive;
    for (ItemIdx i : PositiveItems(history, weights_.num_items())) positive.emplace_back(i, 1.0f);
    return weights_.Score(positive, n, keep);
  }

 private:
  DenseItemItem weights_;
  std::string spec_;
};

Status ParseEase(ModelSpec& spec, double* l2) {
  RECD_RETURN_IF_ERROR(spec.GetDouble("l2", 500.0, 1e-6, 1e12, l2));
  return spec.CheckAllUsed();
}

std::string EaseSpec(double l2) {
  char canonical[64];
  std::snprintf(canonical, sizeof(canonical), "ease(l2=%g)", l2);
  return canonical;
}

}  // namespace

Result<std::unique_ptr<Recommender>> LoadEase(ModelSpec& spec, const SnapshotReader& reader) {
  double l2 = 0;
  Status st = ParseEase(spec, &l2);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  Result<DenseItemItem> weights = DenseItemItem::Load(reader);
  if (!weights.ok()) return weights.status();
  return std::unique_ptr<Recommender>(new EaseRecommender(std::move(weights).value(), EaseSpec(l2)));
}

Result<std::unique_ptr<Recommender>> TrainEase(ModelSpec& spec, const TrainingData& data) {
  double l2 = 0;
  RECD_RETURN_IF_ERROR(ParseEase(spec, &l2));
  const InteractionMatrix& m = data.matrix;
  const Eigen::Index n = m.num_cols;
  // Gram matrix G = XᵀX of the binary matrix, plus λ on the diagonal.
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
  for (uint32_t r = 0; r < m.num_rows; ++r) {
    for (uint64_t a = m.row_ptr[r]; a < m.row_ptr[r + 1]; ++a) {
      for (uint64_t b = m.row_ptr[r]; b < m.row_ptr[r + 1]; ++b) g(m.cols[b], m.cols[a]) += 1.0;
    }
  }
  g.diagonal().array() += l2;
  // G is symmetric positive definite: its inverse by Cholesky, factorised in place (peak memory
  // two n x n doubles and the n x n float result).
  Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(g);
  if (llt.info() != Eigen::Success) return Status::Internal("ease: the Gram matrix is not positive definite");
  const Eigen::MatrixXd p = llt.solve(Eigen::MatrixXd::Identity(n, n));
  DenseItemItem::Matrix b(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) b(i, j) = i == j ? 0.0f : static_cast<float>(-p(i, j) / p(j, j));
  }
  return std::unique_ptr<Recommender>(new EaseRecommender(DenseItemItem(std::move(b)), EaseSpec(l2)));
}

}  // namespace recd
