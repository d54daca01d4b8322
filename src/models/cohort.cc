#include "models/cohort.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace recd {

void CohortCounts::Add(std::span<const uint32_t> cohorts, ItemIdx item, double weight) {
  if (!(weight > 0)) return;
  if (item_total_.size() <= item) item_total_.resize(item + 1, 0.0);
  item_total_[item] += weight;
  total_ += weight;
  for (uint32_t c : cohorts) {
    if (cohort_items_.size() <= c) {
      cohort_items_.resize(c + 1);
      cohort_total_.resize(c + 1, 0.0);
    }
    cohort_items_[c][item] += weight;
    cohort_total_[c] += weight;
  }
}

std::vector<Scored> CohortCounts::Top(std::span<const uint32_t> cohorts, size_t n,
                                      const std::function<bool(ItemIdx)>& keep) const {
  TopK top(n);
  if (total_ <= 0) return top.Take();
  for (ItemIdx i = 0; i < item_total_.size(); ++i) {
    if (item_total_[i] <= 0 || !keep(i)) continue;
    const double p = item_total_[i] / total_;
    double sum = 0;
    int known = 0;
    for (uint32_t c : cohorts) {
      if (c >= cohort_items_.size()) continue;  // a cohort no one with events is in yet
      auto it = cohort_items_[c].find(i);
      const double n_ci = it == cohort_items_[c].end() ? 0.0 : it->second;
      sum += (n_ci + smoothing_ * p) / (cohort_total_[c] + smoothing_);
      ++known;
    }
    top.Push(i, known > 0 ? sum / known : p);
  }
  return top.Take();
}

bool CohortCounts::Knows(std::span<const uint32_t> cohorts) const {
  return std::any_of(cohorts.begin(), cohorts.end(),
                     [&](uint32_t c) { return c < cohort_total_.size() && cohort_total_[c] > 0; });
}

void CohortCounts::Save(SnapshotWriter* w) const {
  std::vector<uint64_t> offsets{0};
  std::vector<uint32_t> items;
  std::vector<double> counts;
  for (const auto& cohort : cohort_items_) {
    std::vector<std::pair<ItemIdx, double>> sorted(cohort.begin(), cohort.end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [item, count] : sorted) {
      items.push_back(item);
      counts.push_back(count);
    }
    offsets.push_back(items.size());
  }
  w->Array<double>("ITOT", item_total_);
  w->Array<uint64_t>("COFF", offsets);
  w->Array<uint32_t>("CITM", items);
  w->Array<double>("CCNT", counts);
}

Status CohortCounts::Load(const SnapshotReader& r) {
  std::vector<uint64_t> offsets;
  std::vector<uint32_t> items;
  std::vector<double> counts;
  RECD_RETURN_IF_ERROR(r.Array("ITOT", &item_total_));
  RECD_RETURN_IF_ERROR(r.Array("COFF", &offsets));
  RECD_RETURN_IF_ERROR(r.Array("CITM", &items));
  RECD_RETURN_IF_ERROR(r.Array("CCNT", &counts));
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != items.size() || items.size() != counts.size() ||
      !std::is_sorted(offsets.begin(), offsets.end())) {
    return Status::Corruption("model snapshot: cohort sections do not fit together");
  }
  total_ = 0;
  for (double c : item_total_) total_ += c;
  cohort_items_.assign(offsets.size() - 1, {});
  cohort_total_.assign(offsets.size() - 1, 0.0);
  for (size_t c = 0; c + 1 < offsets.size(); ++c) {
    for (uint64_t k = offsets[c]; k < offsets[c + 1]; ++k) {
      if (items[k] >= item_total_.size()) return Status::Corruption("model snapshot: cohort item out of range");
      cohort_items_[c][items[k]] = counts[k];
      cohort_total_[c] += counts[k];
    }
  }
  return Status::OK();
}

namespace {

std::string CohortSpec(double smoothing) {
  char s[64];
  std::snprintf(s, sizeof(s), "cohort(smoothing=%g)", smoothing);
  return s;
}

class CohortRecommender : public Recommender {
 public:
  explicit CohortRecommender(CohortCounts counts) : counts_(std::move(counts)) {}
  std::string Spec() const override { return CohortSpec(counts_.smoothing()); }
  std::vector<Scored> Recommend(std::span<const UserEvent>, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    return counts_.Top({}, n, keep);
  }
  std::vector<Scored> RecommendForCohorts(std::span<const UserEvent>, std::span<const uint32_t> cohorts, size_t n,
                                          const std::function<bool(ItemIdx)>& keep) const override {
    return counts_.Top(cohorts, n, keep);
  }
  std::string Save() const override {
    SnapshotWriter w(Spec());
    counts_.Save(&w);
    return w.Finish();
  }

 private:
  CohortCounts counts_;
};

Status ParseSmoothing(ModelSpec& spec, double* smoothing) {
  RECD_RETURN_IF_ERROR(spec.GetDouble("smoothing", 20.0, 0.0, 1e12, smoothing));
  return spec.CheckAllUsed();
}

}  // namespace

Result<std::unique_ptr<Recommender>> TrainCohort(ModelSpec& spec, const TrainingData& data) {
  double smoothing = 20.0;
  RECD_RETURN_IF_ERROR(ParseSmoothing(spec, &smoothing));
  CohortCounts counts(smoothing);
  const InteractionMatrix& m = data.matrix;
  static const std::vector<uint32_t> kNone;
  for (uint32_t u = 0; u < m.num_rows; ++u) {
    const std::vector<uint32_t>& cohorts =
        data.user_cohorts && u < data.user_cohorts->size() ? (*data.user_cohorts)[u] : kNone;
    for (uint64_t k = m.row_ptr[u]; k < m.row_ptr[u + 1]; ++k) counts.Add(cohorts, m.cols[k], m.values[k]);
  }
  return std::unique_ptr<Recommender>(new CohortRecommender(std::move(counts)));
}

Result<std::unique_ptr<Recommender>> LoadCohort(ModelSpec& spec, const SnapshotReader& reader) {
  double smoothing = 20.0;
  Status st = ParseSmoothing(spec, &smoothing);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  CohortCounts counts(smoothing);
  RECD_RETURN_IF_ERROR(counts.Load(reader));
  return std::unique_ptr<Recommender>(new CohortRecommender(std::move(counts)));
}

}  // namespace recd
