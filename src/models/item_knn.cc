#include "models/item_knn.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/check.h"
#include "core/top_k.h"

namespace recd {

std::string ItemKnnParams::Spec() const {
  static const char* kSims[] = {"cosine", "asymmetric", "jaccard", "conditional"};
  static const char* kWeightings[] = {"none", "tfidf", "bm25"};
  char buf[160];
  if (sim == KnnSimilarity::kCosine && weighting == KnnWeighting::kNone) {
    std::snprintf(buf, sizeof(buf), "itemknn(k=%d,sim=cosine,shrink=%g)", k, shrink);
  } else {
    std::snprintf(buf, sizeof(buf), "itemknn(k=%d,sim=%s,shrink=%g,alpha=%g,weighting=%s)", k,
                  kSims[static_cast<int>(sim)], shrink, alpha, kWeightings[static_cast<int>(weighting)]);
  }
  return buf;
}

namespace {

// TF-IDF or BM25 weighting of a shopper x item matrix (shoppers are the documents).
InteractionMatrix Reweighted(const InteractionMatrix& m, KnnWeighting weighting) {
  InteractionMatrix w = m;
  if (weighting == KnnWeighting::kNone || m.num_rows == 0) return w;
  std::vector<double> df(m.num_cols, 0.0);
  for (uint32_t c : m.cols) df[c] += 1;
  const double n = m.num_rows, avg_len = static_cast<double>(m.nnz()) / n;
  constexpr double kK1 = 1.2, kB = 0.75;
  for (uint32_t r = 0; r < m.num_rows; ++r) {
    const double len = static_cast<double>(m.row_ptr[r + 1] - m.row_ptr[r]);
    for (uint64_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k) {
      const double tf = m.values[k], idf = std::log(n / df[m.cols[k]]);
      w.values[k] = static_cast<float>(weighting == KnnWeighting::kTfIdf
                                           ? tf * idf
                                           : idf * tf * (kK1 + 1) / (tf + kK1 * (1 - kB + kB * len / avg_len)));
    }
  }
  return w;
}

}  // namespace

ItemKnnModel ItemKnnModel::Build(const InteractionMatrix& input, const ItemKnnParams& params,
                                 int threads) {
  const InteractionMatrix m = Reweighted(input, params.weighting);
  const uint32_t num_items = m.num_cols;
  InteractionMatrix items = m.Transposed();  // item x shopper
  std::vector<double> sq(num_items, 0.0), count(num_items, 0.0);
  for (uint32_t i = 0; i < num_items; ++i) {
    for (uint64_t k = items.row_ptr[i]; k < items.row_ptr[i + 1]; ++k) sq[i] += double(items.values[k]) * items.values[k];
    count[i] = static_cast<double>(items.row_ptr[i + 1] - items.row_ptr[i]);
  }
  const bool by_count = params.sim == KnnSimilarity::kJaccard || params.sim == KnnSimilarity::kConditional;
  auto similarity = [&](uint32_t i, uint32_t j, double dot, double common) {
    switch (params.sim) {
      case KnnSimilarity::kCosine: return dot / (std::sqrt(sq[i] * sq[j]) + params.shrink);
      case KnnSimilarity::kAsymmetric:
        return dot / (std::pow(sq[i], params.alpha) * std::pow(sq[j], 1 - params.alpha) + params.shrink);
      case KnnSimilarity::kJaccard: return common / (count[i] + count[j] - common + params.shrink);
      case KnnSimilarity::kConditional: return common / (count[i] * std::pow(count[j], params.alpha) + params.shrink);
    }
    return 0.0;
  };

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
          dot[j] += by_count ? 1.0f : wi * m.values[b];
        }
      }
      TopK top(static_cast<size_t>(params.k));
      for (ItemIdx j : touched) {
        float sim = static_cast<float>(similarity(i, j, dot[j], dot[j]));
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
