// DenseItemItem: a dense item x item weight matrix W and its scorer, score = a · W, where a is the
// shopper's affinity vector. SAR (similarity matrix) and EASE (learned weights) both train one.
// Dense storage costs 4 n² bytes: meant for catalogs up to some tens of thousands of items.
//
// Thread safety: immutable after construction.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "core/ids.h"
#include "core/top_k.h"
#include "models/snapshot_io.h"

namespace recd {

class DenseItemItem {
 public:
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  DenseItemItem() = default;
  explicit DenseItemItem(Matrix weights) : w_(std::move(weights)) {}

  // Top n of a·W among items `keep` accepts; `affinity` pairs items with their weights.
  std::vector<Scored> Score(std::span<const std::pair<ItemIdx, float>> affinity, size_t n,
                            const std::function<bool(ItemIdx)>& keep) const;

  const Matrix& weights() const { return w_; }
  // Sections "DIMS" (u64 n) and "WGHT" (n² floats, row-major).
  void Save(SnapshotWriter* w) const;
  static Result<DenseItemItem> Load(const SnapshotReader& r);
  size_t num_items() const { return static_cast<size_t>(w_.rows()); }

 private:
  Matrix w_;
};

}  // namespace recd
