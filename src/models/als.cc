#include "models/als.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <random>
#include <thread>

namespace recd {

namespace {

using Factors = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::VectorXf;

struct AlsParams {
  int factors = 64, iters = 15, cg_steps = 3;
  double reg = 50.0, alpha = 5.0;
  uint32_t seed = 42;
};

// One row's conjugate-gradient steps on (YᵀY + reg·I + Σ_i alpha·w_i y_i y_iᵀ) x = Σ_i (1 + alpha·w_i) y_i,
// starting from x (Takács et al. 2011, Algorithm 2).
void ConjugateGradient(const Factors& y, const Eigen::MatrixXf& yty, const InteractionMatrix& m, uint32_t row,
                       const AlsParams& p, Eigen::Ref<Vec> x) {
  auto times_a = [&](const Vec& v) {
    Vec out = yty * v + static_cast<float>(p.reg) * v;
    for (uint64_t k = m.row_ptr[row]; k < m.row_ptr[row + 1]; ++k) {
      const auto yi = y.row(m.cols[k]);
      out += static_cast<float>(p.alpha * m.values[k]) * yi.dot(v) * yi.transpose();
    }
    return out;
  };
  Vec r = -times_a(x);
  for (uint64_t k = m.row_ptr[row]; k < m.row_ptr[row + 1]; ++k) {
    r += static_cast<float>(1.0 + p.alpha * m.values[k]) * y.row(m.cols[k]).transpose();
  }
  Vec d = r;
  float rs_old = r.squaredNorm();
  for (int step = 0; step < p.cg_steps && rs_old > 1e-20f; ++step) {
    const Vec ad = times_a(d);
    const float step_size = rs_old / d.dot(ad);
    x += step_size * d;
    r -= step_size * ad;
    const float rs_new = r.squaredNorm();
    d = r + (rs_new / rs_old) * d;
    rs_old = rs_new;
  }
}

// Solves every row of `x` against `y` for the rows of `m`, in parallel.
void Sweep(const InteractionMatrix& m, const Factors& y, const AlsParams& p, Factors* x) {
  const Eigen::MatrixXf yty = (y.transpose() * y).eval();
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (uint32_t row = static_cast<uint32_t>(t); row < m.num_rows; row += static_cast<uint32_t>(threads)) {
        ConjugateGradient(y, yty, m, row, p, x->row(row).transpose());
      }
    });
  }
  for (auto& th : pool) th.join();
}

class AlsRecommender : public Recommender {
 public:
  AlsRecommender(Factors items, AlsParams params, std::string spec)
      : items_(std::move(items)), params_(params), spec_(std::move(spec)),
        yty_reg_((items_.transpose() * items_).eval()) {
    yty_reg_.diagonal().array() += static_cast<float>(params_.reg);
  }
  std::string Spec() const override { return spec_; }
  std::string Save() const override {
    SnapshotWriter w(spec_);
    const uint64_t dims[2] = {static_cast<uint64_t>(items_.rows()), static_cast<uint64_t>(items_.cols())};
    w.Array<uint64_t>("DIMS", dims);
    w.Array<float>("ITEM", std::span<const float>(items_.data(), static_cast<size_t>(items_.size())));
    return w.Finish();
  }

  // Fold-in: the exact least-squares solution for this history against the item factors.
  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    std::vector<std::pair<ItemIdx, float>> w;
    for (const UserEvent& e : history) {
      if (e.item < items_.rows()) w.emplace_back(e.item, e.weight);
    }
    std::sort(w.begin(), w.end());
    Eigen::MatrixXf a = yty_reg_;
    Vec b = Vec::Zero(items_.cols());
    bool any = false;
    for (size_t i = 0; i < w.size();) {
      size_t j = i;
      float total = 0;
      while (j < w.size() && w[j].first == w[i].first) total += w[j++].second;
      if (total > 0) {  // as in training: whether the shopper had the item, not how strongly
        const auto yi = items_.row(w[i].first);
        const float c = static_cast<float>(params_.alpha);
        a.noalias() += c * yi.transpose() * yi;
        b += (1.0f + c) * yi.transpose();
        any = true;
      }
      i = j;
    }
    if (!any) return {};
    Eigen::LLT<Eigen::MatrixXf> llt(a);
    if (llt.info() != Eigen::Success) return {};
    const Vec x = llt.solve(b);
    const Vec scores = items_ * x;
    TopK top(n);
    for (ItemIdx i = 0; i < scores.size(); ++i) {
      if (keep(i)) top.Push(i, scores[i]);
    }
    return top.Take();
  }

 private:
  Factors items_;
  AlsParams params_;
  std::string spec_;
  Eigen::MatrixXf yty_reg_;  // YᵀY + reg·I, shared by every fold-in
};

Status ParseAls(ModelSpec& spec, AlsParams* p) {
  int seed = 42;
  RECD_RETURN_IF_ERROR(spec.GetInt("factors", 64, 1, 1024, &p->factors));
  RECD_RETURN_IF_ERROR(spec.GetInt("iters", 15, 1, 1000, &p->iters));
  RECD_RETURN_IF_ERROR(spec.GetDouble("reg", 50.0, 1e-6, 1e6, &p->reg));
  RECD_RETURN_IF_ERROR(spec.GetDouble("alpha", 5.0, 0.0, 1e6, &p->alpha));
  RECD_RETURN_IF_ERROR(spec.GetInt("cg_steps", 3, 1, 100, &p->cg_steps));
  RECD_RETURN_IF_ERROR(spec.GetInt("seed", 42, 0, 1 << 30, &seed));
  p->seed = static_cast<uint32_t>(seed);
  return spec.CheckAllUsed();
}

std::string AlsSpec(const AlsParams& p) {
  char canonical[160];
  std::snprintf(canonical, sizeof(canonical), "als(factors=%d,iters=%d,reg=%g,alpha=%g,cg_steps=%d,seed=%u)",
                p.factors, p.iters, p.reg, p.alpha, p.cg_steps, p.seed);
  return canonical;
}

}  // namespace

Result<std::unique_ptr<Recommender>> LoadAls(ModelSpec& spec, const SnapshotReader& reader) {
  AlsParams p;
  Status st = ParseAls(spec, &p);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  std::vector<uint64_t> dims;
  std::vector<float> values;
  RECD_RETURN_IF_ERROR(reader.Array("DIMS", &dims));
  RECD_RETURN_IF_ERROR(reader.Array("ITEM", &values));
  if (dims.size() != 2 || dims[1] != static_cast<uint64_t>(p.factors) || dims[0] > (1u << 28) ||
      values.size() != dims[0] * dims[1]) {
    return Status::Corruption("model snapshot: als item factors have the wrong size");
  }
  Factors items = Eigen::Map<const Factors>(values.data(), static_cast<Eigen::Index>(dims[0]), p.factors);
  return std::unique_ptr<Recommender>(new AlsRecommender(std::move(items), p, AlsSpec(p)));
}

Result<std::unique_ptr<Recommender>> TrainAls(ModelSpec& spec, const TrainingData& data) {
  AlsParams p;
  RECD_RETURN_IF_ERROR(ParseAls(spec, &p));
  const InteractionMatrix& users = data.matrix;
  const InteractionMatrix items = users.Transposed();
  std::mt19937 rng(p.seed);
  std::normal_distribution<float> normal(0.0f, 0.01f);
  Factors x(users.num_rows, p.factors), y(users.num_cols, p.factors);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = normal(rng);
  for (int it = 0; it < p.iters; ++it) {
    Sweep(users, y, p, &x);
    Sweep(items, x, p, &y);
  }
  return std::unique_ptr<Recommender>(new AlsRecommender(std::move(y), p, AlsSpec(p)));
}

}  // namespace recd
