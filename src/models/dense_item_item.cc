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

}  // namespace recd
