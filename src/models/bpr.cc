#include "models/bpr.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <thread>

namespace recd {

namespace {

struct BprParams {
  int factors = 64, epochs = 30, fold_in_epochs = 20, threads = 1;
  double lr = 0.05, reg = 0.002;
  uint32_t seed = 42;
  std::string Spec() const {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "bpr(factors=%d,epochs=%d,lr=%g,reg=%g,fold_in_epochs=%d,threads=%d,seed=%u)",
                  factors, epochs, lr, reg, fold_in_epochs, threads, seed);
    return buf;
  }
};

Status ParseBpr(ModelSpec& spec, BprParams* p) {
  int seed = 42;
  RECD_RETURN_IF_ERROR(spec.GetInt("factors", 64, 1, 1024, &p->factors));
  RECD_RETURN_IF_ERROR(spec.GetInt("epochs", 30, 1, 10000, &p->epochs));
  RECD_RETURN_IF_ERROR(spec.GetDouble("lr", 0.05, 1e-9, 10.0, &p->lr));
  RECD_RETURN_IF_ERROR(spec.GetDouble("reg", 0.002, 0.0, 100.0, &p->reg));
  RECD_RETURN_IF_ERROR(spec.GetInt("fold_in_epochs", 20, 1, 10000, &p->fold_in_epochs));
  RECD_RETURN_IF_ERROR(spec.GetInt("threads", 1, 1, 256, &p->threads));
  RECD_RETURN_IF_ERROR(spec.GetInt("seed", 42, 0, 1 << 30, &seed));
  p->seed = static_cast<uint32_t>(seed);
  return spec.CheckAllUsed();
}

// Relaxed atomic access: racing Hogwild updates are well defined (and compile to plain moves).
float Load(const float& x) { return std::atomic_ref<float>(const_cast<float&>(x)).load(std::memory_order_relaxed); }
void Store(float& x, float v) { std::atomic_ref<float>(x).store(v, std::memory_order_relaxed); }

// One BPR step for shopper vector u (owned by the caller) and items i (had) and j (not had).
// With update_items false the item side is read only (fold-in).
void Step(float* u, float* items, float* bias, int f, ItemIdx i, ItemIdx j, const BprParams& p, bool update_items) {
  float* qi = items + static_cast<size_t>(i) * f;
  float* qj = items + static_cast<size_t>(j) * f;
  float x = Load(bias[i]) - Load(bias[j]);
  for (int k = 0; k < f; ++k) x += u[k] * (Load(qi[k]) - Load(qj[k]));
  const float g = static_cast<float>(p.lr / (1.0 + std::exp(static_cast<double>(x))));
  const float reg = static_cast<float>(p.lr * p.reg);
  for (int k = 0; k < f; ++k) {
    const float uk = u[k], ik = Load(qi[k]), jk = Load(qj[k]);
    u[k] += g * (ik - jk) - reg * uk;
    if (update_items) {
      Store(qi[k], ik + g * uk - reg * ik);
      Store(qj[k], jk - g * uk - reg * jk);
    }
  }
  if (update_items) {
    Store(bias[i], Load(bias[i]) + g - reg * Load(bias[i]));
    Store(bias[j], Load(bias[j]) - g - reg * Load(bias[j]));
  }
}

// A uniformly drawn item the row does not hold (a few tries; the last draw stands).
ItemIdx Negative(std::mt19937& rng, uint32_t num_items, std::span<const uint32_t> sorted_row) {
  std::uniform_int_distribution<uint32_t> any(0, num_items - 1);
  ItemIdx j = any(rng);
  for (int t = 0; t < 10 && std::binary_search(sorted_row.begin(), sorted_row.end(), j); ++t) j = any(rng);
  return j;
}

class BprRecommender : public Recommender {
 public:
  BprRecommender(std::vector<float> items, std::vector<float> bias, BprParams params)
      : items_(std::move(items)), bias_(std::move(bias)), params_(params) {}
  std::string Spec() const override { return params_.Spec(); }

  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    const uint32_t num_items = static_cast<uint32_t>(bias_.size());
    std::vector<uint32_t> had = PositiveItems(history, num_items);
    if (had.empty()) return {};
    // Fold-in: learn the shopper vector, items fixed; seeded by the history for determinism.
    const int f = params_.factors;
    std::vector<float> u(f, 0.0f);
    std::mt19937 rng(params_.seed ^ static_cast<uint32_t>(had.size() * 2654435761u) ^ had.front());
    // Step reads the item side through atomic_ref and, with update_items false, never writes it.
    float* items = const_cast<float*>(items_.data());
    float* bias = const_cast<float*>(bias_.data());
    for (int epoch = 0; epoch < params_.fold_in_epochs; ++epoch) {
      for (ItemIdx i : had) Step(u.data(), items, bias, f, i, Negative(rng, num_items, had), params_, false);
    }
    TopK top(n);
    for (ItemIdx i = 0; i < num_items; ++i) {
      if (!keep(i)) continue;
      float s = bias_[i];
      const float* q = items_.data() + static_cast<size_t>(i) * f;
      for (int k = 0; k < f; ++k) s += u[k] * q[k];
      top.Push(i, s);
    }
    return top.Take();
  }

  std::string Save() const override {
    SnapshotWriter w(Spec());
    w.Array<float>("ITEM", items_);
    w.Array<float>("BIAS", bias_);
    return w.Finish();
  }

 private:
  std::vector<float> items_;  // num_items x factors, row-major
  std::vector<float> bias_;
  BprParams params_;
};

}  // namespace

Result<std::unique_ptr<Recommender>> TrainBpr(ModelSpec& spec, const TrainingData& data) {
  BprParams p;
  RECD_RETURN_IF_ERROR(ParseBpr(spec, &p));
  const InteractionMatrix& m = data.matrix;
  const int f = p.factors;
  std::mt19937 init(p.seed);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  std::vector<float> users(static_cast<size_t>(m.num_rows) * f), items(static_cast<size_t>(m.num_cols) * f);
  std::vector<float> bias(m.num_cols, 0.0f);
  for (float& x : users) x = normal(init);
  for (float& x : items) x = normal(init);
  std::vector<uint32_t> active;  // shoppers with at least one item
  for (uint32_t r = 0; r < m.num_rows; ++r) {
    if (m.row_ptr[r + 1] > m.row_ptr[r]) active.push_back(r);
  }
  if (!active.empty() && m.num_cols > 1) {
    const int threads = p.threads;
    for (int epoch = 0; epoch < p.epochs; ++epoch) {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          // Thread t owns shoppers active[t], active[t + threads], ...: their vectors are its own.
          std::mt19937 rng(p.seed + 7919u * static_cast<uint32_t>(epoch * threads + t + 1));
          const size_t owned = (active.size() + threads - 1 - t) / threads;
          if (owned == 0) return;
          const uint64_t samples = m.nnz() / threads + 1;
          std::uniform_int_distribution<size_t> pick(0, owned - 1);
          for (uint64_t s = 0; s < samples; ++s) {
            const uint32_t u = active[pick(rng) * threads + t];
            const std::span<const uint32_t> row(m.cols.data() + m.row_ptr[u], m.row_ptr[u + 1] - m.row_ptr[u]);
            const ItemIdx i = row[std::uniform_int_distribution<size_t>(0, row.size() - 1)(rng)];
            Step(users.data() + static_cast<size_t>(u) * f, items.data(), bias.data(), f, i,
                 Negative(rng, m.num_cols, row), p, true);
          }
        });
      }
      for (auto& th : pool) th.join();
    }
  }
  // Items nobody had keep no random factors: they score by nothing but a zero bias.
  std::vector<bool> seen(m.num_cols, false);
  for (uint32_t c : m.cols) seen[c] = true;
  for (uint32_t i = 0; i < m.num_cols; ++i) {
    if (!seen[i]) std::fill_n(items.begin() + static_cast<size_t>(i) * f, f, 0.0f);
  }
  return std::unique_ptr<Recommender>(new BprRecommender(std::move(items), std::move(bias), p));
}

Result<std::unique_ptr<Recommender>> LoadBpr(ModelSpec& spec, const SnapshotReader& reader) {
  BprParams p;
  Status st = ParseBpr(spec, &p);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  std::vector<float> items, bias;
  RECD_RETURN_IF_ERROR(reader.Array("ITEM", &items));
  RECD_RETURN_IF_ERROR(reader.Array("BIAS", &bias));
  if (items.size() != bias.size() * static_cast<size_t>(p.factors)) {
    return Status::Corruption("model snapshot: bpr factors do not match the biases");
  }
  return std::unique_ptr<Recommender>(new BprRecommender(std::move(items), std::move(bias), p));
}

}  // namespace recd
