#include "models/dense_item_item.h"

namespace recd {

std::vector<Scored> DenseItemItem::Score(std::span<const std::pair<ItemIdx, float>> affinity, size_t n,
                                         const std::function<bool(ItemIdx)>& keep) const {
  thread_local Eigen::VectorXf scores;
  scores.setZero(w_.cols());
  bool any = false;
  for (const auto& [item, a] : affinity) {
    if (item >= w_.rows() || a == 0.0f) continue;
    scores += a * w_.row(item).transpose();
    any = true;
  }
  if (!any) return {};
  TopK top(n);
  for (ItemIdx i = 0; i < scores.size(); ++i) {
    if (scores[i] > 0 && keep(i)) top.Push(i, scores[i]);
  }
  return top.Take();
}

void DenseItemItem::Save(SnapshotWriter* w) const {
  const uint64_t n = static_cast<uint64_t>(w_.rows());
  w->Array<uint64_t>("DIMS", std::span<const uint64_t>(&n, 1));
  w->Array<float>("WGHT", std::span<const float>(w_.data(), static_cast<size_t>(w_.size())));
}

Result<DenseItemItem> DenseItemItem::Load(const SnapshotReader& r) {
  std::vector<uint64_t> dims;
  std::vector<float> weights;
  RECD_RETURN_IF_ERROR(r.Array("DIMS", &dims));
  RECD_RETURN_IF_ERROR(r.Array("WGHT", &weights));
  if (dims.size() != 1 || dims[0] > (1u << 20) || weights.size() != dims[0] * dims[0]) {
    return Status::Corruption("model snapshot: item-item matrix has the wrong size");
  }
  const Eigen::Index n = static_cast<Eigen::Index>(dims[0]);
  return DenseItemItem(Eigen::Map<const Matrix>(weights.data(), n, n));
}

}  // namespace recd
