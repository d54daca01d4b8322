#include "models/sar.h"

#include <cmath>
#include <unordered_map>

#include "models/dense_item_item.h"

namespace recd {

namespace {

class SarRecommender : public Recommender {
 public:
  SarRecommender(DenseItemItem similarity, std::string spec, double half_life_days, int64_t reference_ms)
      : similarity_(std::move(similarity)), spec_(std::move(spec)), half_life_days_(half_life_days),
        reference_ms_(reference_ms) {}

  std::string Spec() const override { return spec_; }

  std::string Save() const override {
    SnapshotWriter w(spec_);
    similarity_.Save(&w);
    w.Array<int64_t>("TREF", std::span<const int64_t>(&reference_ms_, 1));
    return w.Finish();
  }

  std::vector<Scored> Recommend(std::span<const UserEvent> history, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    // Affinity: each event's weight, halved every half-life before the reference time. Ages are
    // measured from the shopper's newest event instead: that scales the whole vector by one
    // constant (the ranking is the same) and keeps old histories from underflowing to zero.
    int64_t newest = 0;
    for (const UserEvent& e : history) newest = std::max(newest, e.timestamp_ms);
    std::unordered_map<ItemIdx, float> affinity;
    for (const UserEvent& e : history) {
      double decay = 1.0;
      if (half_life_days_ > 0) {
        const double age_days = static_cast<double>(newest - e.timestamp_ms) / 86400000.0;
        decay = std::exp2(-age_days / half_life_days_);
      }
      affinity[e.item] += static_cast<float>(e.weight * decay);
    }
    std::vector<std::pair<ItemIdx, float>> a(affinity.begin(), affinity.end());
    return similarity_.Score(a, n, keep);
  }

 private:
  DenseItemItem similarity_;
  std::string spec_;
  double half_life_days_;
  int64_t reference_ms_;
};

struct SarParams {
  std::string sim;
  double half_life_days = 0;
  int threshold = 1;
  std::string Spec() const {
    char canonical[128];
    std::snprintf(canonical, sizeof(canonical), "sar(sim=%s,half_life_days=%g,threshold=%d)", sim.c_str(),
                  half_life_days, threshold);
    return canonical;
  }
};

Status ParseSar(ModelSpec& spec, SarParams* p) {
  RECD_RETURN_IF_ERROR(spec.GetString("sim", "jaccard", &p->sim));
  RECD_RETURN_IF_ERROR(spec.GetDouble("half_life_days", 30.0, 0.0, 1e6, &p->half_life_days));
  RECD_RETURN_IF_ERROR(spec.GetInt("threshold", 1, 1, 1 << 30, &p->threshold));
  RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
  if (p->sim != "jaccard" && p->sim != "lift" && p->sim != "counts") {
    return Status::InvalidArgument("sar: sim must be jaccard, lift or counts, got '" + p->sim + "'");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Recommender>> LoadSar(ModelSpec& spec, const SnapshotReader& reader) {
  SarParams p;
  Status st = ParseSar(spec, &p);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  Result<DenseItemItem> similarity = DenseItemItem::Load(reader);
  if (!similarity.ok()) return similarity.status();
  std::vector<int64_t> reference;
  RECD_RETURN_IF_ERROR(reader.Array("TREF", &reference));
  if (reference.size() != 1) return Status::Corruption("model snapshot: sar reference time is malformed");
  return std::unique_ptr<Recommender>(
      new SarRecommender(std::move(similarity).value(), p.Spec(), p.half_life_days, reference[0]));
}

Result<std::unique_ptr<Recommender>> TrainSar(ModelSpec& spec, const TrainingData& data) {
  SarParams p;
  RECD_RETURN_IF_ERROR(ParseSar(spec, &p));
  const std::string& sim = p.sim;
  const int threshold = p.threshold;
  const InteractionMatrix& m = data.matrix;
  const Eigen::Index n = m.num_cols;
  // Binary co-occurrence, accumulated row by row: C += x xᵀ for each shopper.
  DenseItemItem::Matrix c = DenseItemItem::Matrix::Zero(n, n);
  for (uint32_t r = 0; r < m.num_rows; ++r) {
    for (uint64_t a = m.row_ptr[r]; a < m.row_ptr[r + 1]; ++a) {
      float* row = c.row(m.cols[a]).data();
      for (uint64_t b = m.row_ptr[r]; b < m.row_ptr[r + 1]; ++b) row[m.cols[b]] += 1.0f;
    }
  }
  const Eigen::VectorXf diag = c.diagonal();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      float& v = c(i, j);
      if (v < threshold) {
        v = 0.0f;
      } else if (sim == "jaccard") {
        v = v / (diag[i] + diag[j] - v);
      } else if (sim == "lift") {
        v = v / (diag[i] * diag[j]);
      }
    }
  }
  return std::unique_ptr<Recommender>(
      new SarRecommender(DenseItemItem(std::move(c)), p.Spec(), p.half_life_days, data.reference_time_ms));
}

}  // namespace recd
