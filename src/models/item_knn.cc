#include "models/item_knn.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/check.h"
#include "core/top_k.h"

namespace recd {

std::string ItemKnnParams::Spec() const {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "itemknn(k=%d,sim=cosine,shrink=%g)", k, shrink);
  return buf;
}

ItemKnnModel ItemKnnModel::Build(const InteractionMatrix& m, const ItemKnnParams& params,
                                 int threads) {
  const uint32_t num_items = m.num_cols;
  InteractionMatrix items = m.Transposed();  // item x shopper
  std::vector<float> norm(num_items, 0.0f);
  for (uint32_t i = 0; i < num_items; ++i) {
    double sq = 0;
    for (uint64_t k = items.row_ptr[i]; k < items.row_ptr[i + 1]; ++k) sq += double(items.values[k]) * items.values[k];
    norm[i] = static_cast<float>(std::sqrt(sq));
  }

  std::vector<std::vector<Neighbor>> lists(num_items);
  auto work = [&](uint32_t first, uint32_t stride) {
    std::vector<float> dot(num_items, 0.0f);
    std::vector<ItemIdx> touched;
    for (uint32_t i = first; i < num_items; i += stride) {
      for (uint64_t a = items.row_ptr[i]; a < items.row_ptr[i + 1]; ++a) {
        uint32_t row = items.cols[a];
        float wi = items.values[a];
        for (uint64_t b = m.row_ptr[row]; b < m.row_ptr[row + 1]; ++b) {
          ItemIdx j = m.cols[b];
          if (j == i) continue;
          if (dot[j] == 0.0f) touched.push_back(j);
          dot[j] += wi * m.values[b];
        }
      }
      TopK top(static_cast<size_t>(params.k));
      for (ItemIdx j : touched) {
        float sim = static_cast<float>(dot[j] / (double(norm[i]) * norm[j] + params.shrink));
        if (sim > 0) top.Push(j, sim);
        dot[j] = 0.0f;
      }
      touched.clear();
      for (const Scored& s : top.Take()) lists[i].push_back({s.idx, static_cast<float>(s.score)});
    }
  };
  threads = std::max(1, threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t, threads);
  work(0, threads);
  for (auto& t : pool) t.join();

  std::vector<uint64_t> offsets(num_items + 1, 0);
  std::vector<Neighbor> flat;
  for (uint32_t i = 0; i < num_items; ++i) {
    flat.insert(flat.end(), lists[i].begin(), lists[i].end());
    offsets[i + 1] = flat.size();
  }
  return FromTable(params, std::move(offsets), std::move(flat));
}

ItemKnnModel ItemKnnModel::FromTable(ItemKnnParams params, std::vector<uint64_t> offsets,
                                     std::vector<Neighbor> neighbors) {
  RECD_CHECK(offsets.empty() || offsets.back() == neighbors.size());
  ItemKnnModel model;
  model.params_ = params;
  model.offsets_ = std::move(offsets);
  model.neighbors_ = std::move(neighbors);
  return model;
}

ItemKnnModel::Scratch& ItemKnnModel::ThreadScratch(size_t num_items) {
  thread_local Scratch scratch;
  if (scratch.acc.size() < num_items) {
    scratch.acc.resize(num_items);
    scratch.touched.resize(num_items + 1);  // Score writes one slot past the last touched item
  }
  return scratch;
}

}  // namespace recd
