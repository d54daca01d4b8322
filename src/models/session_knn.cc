#include "models/session_knn.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace recd {

namespace {

Status CheckWeighting(const std::string& name, const std::string& value) {
  static const char* kNames[] = {"div", "same", "linear", "log", "quadratic"};
  if (std::find(std::begin(kNames), std::end(kNames), value) == std::end(kNames)) {
    return Status::InvalidArgument(name + " must be div, same, linear, log or quadratic, got '" + value + "'");
  }
  return Status::OK();
}

// The weighting functions keep session-rec's names and definitions, so that its published
// parameters mean the same here.
// Weight of a distance d >= 1 (SR rules, the score decay of the kNN models).
double StepWeight(const std::string& w, int d) {
  if (w == "div") return 1.0 / d;
  if (w == "same") return 1.0;
  if (w == "linear") return d <= 100 ? 1.0 - 0.1 * d : 0.0;
  if (w == "log") return 1.0 / std::log10(d + 1.7);
  return 1.0 / (static_cast<double>(d) * d);  // quadratic
}

// Weight of the i-th (1-based) of n prefix items (V-SKNN and VMIS-kNN similarity).
double PositionWeight(const std::string& w, int i, int n) {
  if (w == "div") return static_cast<double>(i) / n;
  if (w == "same") return 1.0;
  if (w == "linear") return i <= 10 ? 1.0 - 0.1 * (n - i) : 0.0;
  if (w == "log") return 1.0 / std::log10(n - i + 1.7);
  return std::pow(static_cast<double>(i) / n, 2);  // quadratic
}

// Training sessions holding at least one known item: the N of idf = ln(N / events of the item).
double CountSessions(const std::vector<std::vector<UserEvent>>& sessions, size_t num_items) {
  double n = 0;
  for (const auto& s : sessions) {
    n += std::any_of(s.begin(), s.end(), [&](const UserEvent& e) { return e.item < num_items; });
  }
  return n;
}

std::vector<Scored> Normalised(std::unordered_map<ItemIdx, double>& scores, size_t n,
                               const std::function<bool(ItemIdx)>& keep) {
  TopK top(n);
  for (const auto& [item, s] : scores) {
    if (s > 0 && keep(item)) top.Push(item, s);
  }
  std::vector<Scored> out = top.Take();
  if (!out.empty()) {
    const double best = out.front().score;
    for (Scored& s : out) s.score /= best;
  }
  return out;
}

// The training sessions in a snapshot: SEQO offsets, SEQI items, SEQT times, NITM item count.
void SaveSequences(SnapshotWriter* w, const std::vector<std::vector<UserEvent>>& sessions, uint64_t num_items) {
  std::vector<uint64_t> offsets = {0};
  std::vector<uint32_t> items;
  std::vector<int64_t> times;
  for (const auto& session : sessions) {
    for (const UserEvent& e : session) {
      items.push_back(e.item);
      times.push_back(e.timestamp_ms);
    }
    offsets.push_back(items.size());
  }
  w->Array<uint64_t>("SEQO", offsets);
  w->Array<uint32_t>("SEQI", items);
  w->Array<int64_t>("SEQT", times);
  w->Array<uint64_t>("NITM", std::span<const uint64_t>(&num_items, 1));
}

Status LoadSequences(const SnapshotReader& r, std::vector<std::vector<UserEvent>>* sessions, size_t* num_items) {
  std::vector<uint64_t> offsets, n;
  std::vector<uint32_t> items;
  std::vector<int64_t> times;
  RECD_RETURN_IF_ERROR(r.Array("SEQO", &offsets));
  RECD_RETURN_IF_ERROR(r.Array("SEQI", &items));
  RECD_RETURN_IF_ERROR(r.Array("SEQT", &times));
  RECD_RETURN_IF_ERROR(r.Array("NITM", &n));
  if (n.size() != 1 || offsets.empty() || offsets.front() != 0 || offsets.back() != items.size() ||
      times.size() != items.size()) {
    return Status::Corruption("model snapshot: session sequences do not fit together");
  }
  *num_items = n[0];
  sessions->assign(offsets.size() - 1, {});
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    if (offsets[s] > offsets[s + 1]) return Status::Corruption("model snapshot: session offsets decrease");
    for (uint64_t k = offsets[s]; k < offsets[s + 1]; ++k) (*sessions)[s].push_back({items[k], 1.0f, times[k]});
  }
  return Status::OK();
}

// The events of a history that count as clicks (positive weight), oldest first: training
// sessions hold only those, so requests read the same.
std::vector<UserEvent> Clicks(std::span<const UserEvent> history) {
  std::vector<UserEvent> out;
  out.reserve(history.size());
  for (const UserEvent& e : history) {
    if (e.weight > 0) out.push_back(e);
  }
  return out;
}

Status NeedSequences(const TrainingData& data, const std::string& name) {
  if (!data.sequences) {
    return Status::InvalidArgument(name + " needs ordered sessions; it is trained by recd eval --protocol session");
  }
  return Status::OK();
}

class SrRecommender : public Recommender {
 public:
  SrRecommender(std::string spec, std::vector<std::vector<Scored>> rules) : spec_(std::move(spec)), rules_(std::move(rules)) {}
  std::string Spec() const override { return spec_; }
  std::string Save() const override {
    std::vector<uint64_t> offsets = {0};
    std::vector<uint32_t> items;
    std::vector<double> weights;
    for (const auto& r : rules_) {
      for (const Scored& s : r) {
        items.push_back(s.idx);
        weights.push_back(s.score);
      }
      offsets.push_back(items.size());
    }
    SnapshotWriter w(spec_);
    w.Array<uint64_t>("OFFS", offsets);
    w.Array<uint32_t>("ITEM", items);
    w.Array<double>("WGHT", weights);
    return w.Finish();
  }
  std::vector<Scored> Recommend(std::span<const UserEvent> all_events, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    const std::vector<UserEvent> clicks = Clicks(all_events);
    const std::span<const UserEvent> history(clicks);
    if (history.empty() || history.back().item >= rules_.size()) return {};
    std::unordered_map<ItemIdx, double> scores;
    for (const Scored& s : rules_[history.back().item]) scores[s.idx] += s.score;
    return Normalised(scores, n, keep);
  }

 private:
  std::string spec_;
  std::vector<std::vector<Scored>> rules_;  // by item: its strongest rules, best first
};

// What the session kNN models know of the training sessions, built once at training time.
struct SessionIndex {
  SessionIndex(const std::vector<std::vector<UserEvent>>& sessions, size_t items)
      : training(sessions), num_items(items), sequences(sessions.size()), distinct(sessions.size()),
        last_time(sessions.size(), 0), item_sessions(items), idf(items, 0.0) {
    std::vector<double> events(items, 0.0);
    for (uint32_t s = 0; s < sessions.size(); ++s) {
      for (const UserEvent& e : sessions[s]) {
        if (e.item >= items) continue;
        sequences[s].push_back(e.item);
        events[e.item] += 1;
        last_time[s] = std::max(last_time[s], e.timestamp_ms);
        if (item_sessions[e.item].empty() || item_sessions[e.item].back() != s) item_sessions[e.item].push_back(s);
      }
      distinct[s] = sequences[s];
      std::sort(distinct[s].begin(), distinct[s].end());
      distinct[s].erase(std::unique(distinct[s].begin(), distinct[s].end()), distinct[s].end());
    }
    const double n_sessions = CountSessions(sessions, items);
    for (size_t i = 0; i < items; ++i) idf[i] = events[i] > 0 ? std::log(n_sessions / events[i]) : 0.0;
  }

  // The sessions holding any of `items`, cut to the `sample` most recent (0: all).
  std::vector<uint32_t> Candidates(const std::unordered_map<ItemIdx, double>& items, int sample) const {
    std::vector<uint32_t> out;
    for (const auto& [item, w] : items) out.insert(out.end(), item_sessions[item].begin(), item_sessions[item].end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (sample > 0 && out.size() > static_cast<size_t>(sample)) {
      std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return last_time[a] > last_time[b]; });
      out.resize(sample);
    }
    return out;
  }

  bool Holds(uint32_t s, ItemIdx item) const { return std::binary_search(distinct[s].begin(), distinct[s].end(), item); }

  std::vector<std::vector<UserEvent>> training;  // as given, for Save
  size_t num_items;
  std::vector<std::vector<ItemIdx>> sequences;      // known items in time order, with repeats
  std::vector<std::vector<ItemIdx>> distinct;       // sorted
  std::vector<int64_t> last_time;                   // by session
  std::vector<std::vector<uint32_t>> item_sessions; // by item: the sessions holding it
  std::vector<double> idf;                          // ln(training sessions / events of the item)
};

// What V-SKNN and STAN share: their parameters (with the spec they print) and a SessionIndex
// over the training sessions, stored as the sessions themselves.
template <typename P>
class SessionIndexRecommender : public Recommender {
 public:
  using Params = P;
  SessionIndexRecommender(Params p, const std::vector<std::vector<UserEvent>>& sessions, size_t num_items)
      : p_(std::move(p)), index_(sessions, num_items) {}

  std::string Spec() const override { return p_.Spec(); }
  std::string Save() const override {
    SnapshotWriter w(p_.Spec());
    SaveSequences(&w, index_.training, index_.num_items);
    return w.Finish();
  }

 protected:
  Params p_;
  SessionIndex index_;
};

struct VsknnParams {
  int k = 100, sample = 1000;
  std::string weighting = "div", score = "div";
  double idf = 0;
  std::string Spec() const {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "vsknn(k=%d,sample=%d,weighting=%s,score=%s,idf=%g)", k, sample,
                  weighting.c_str(), score.c_str(), idf);
    return buf;
  }
};

class VsknnRecommender : public SessionIndexRecommender<VsknnParams> {
 public:
  using SessionIndexRecommender::SessionIndexRecommender;

  std::vector<Scored> Recommend(std::span<const UserEvent> all_events, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    const std::vector<UserEvent> clicks = Clicks(all_events);
    const std::span<const UserEvent> history(clicks);
    // Position weights; a repeated item keeps its latest position (as session-rec's dict does).
    std::unordered_map<ItemIdx, double> pos;
    std::vector<ItemIdx> prefix;
    const int len = static_cast<int>(history.size());
    for (int i = 0; i < len; ++i) {
      if (history[i].item >= index_.num_items) continue;
      pos[history[i].item] = PositionWeight(p_.weighting, i + 1, len);
      prefix.push_back(history[i].item);
    }
    if (prefix.empty()) return {};
    // Candidate sessions: every training session holding a prefix item; the most recent `sample`.
    const std::vector<uint32_t> candidates = index_.Candidates(pos, p_.sample);
    // Similarity: the position weights of shared items over the number of distinct prefix items.
    std::vector<std::pair<double, uint32_t>> neighbors;
    for (uint32_t s : candidates) {
      double sum = 0;
      for (ItemIdx i : index_.distinct[s]) {
        auto it = pos.find(i);
        if (it != pos.end()) sum += it->second;
      }
      const double sim = sum / static_cast<double>(pos.size());
      if (sim > 0) neighbors.emplace_back(sim, s);
    }
    std::stable_sort(neighbors.begin(), neighbors.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    if (neighbors.size() > static_cast<size_t>(p_.k)) neighbors.resize(p_.k);
    // Votes, decayed by how far back the newest shared prefix item is.
    std::unordered_map<ItemIdx, double> scores;
    for (const auto& [sim, s] : neighbors) {
      const std::vector<ItemIdx>& items = index_.distinct[s];
      double decay = 0;
      for (int step = 1; step <= static_cast<int>(prefix.size()); ++step) {
        if (std::binary_search(items.begin(), items.end(), prefix[prefix.size() - step])) {
          decay = StepWeight(p_.score, step);
          break;
        }
      }
      for (ItemIdx i : items) scores[i] += (sim + sim * index_.idf[i] * p_.idf) * decay;
    }
    return Normalised(scores, n, keep);
  }
};

// VMIS-kNN (Kersbergen, Sprangers & Schelter, "Serenade - low-latency session-based
// recommendation in e-commerce at scale", SIGMOD 2022): V-SKNN over an index that keeps only the
// m most recent sessions per item, so a request touches at most |prefix| · m sessions whatever
// the size of the log. Similarities accumulate along the index into per-thread dense scratch.
class VmisRecommender : public Recommender {
 public:
  struct Params {
    int k = 100, m = 500;
    std::string weighting = "div", score = "div";
    double idf = 0;
    std::string Spec() const {
      char buf[160];
      std::snprintf(buf, sizeof(buf), "vmis(k=%d,m=%d,weighting=%s,score=%s,idf=%g)", k, m, weighting.c_str(),
                    score.c_str(), idf);
      return buf;
    }
  };

  VmisRecommender(Params p, const std::vector<std::vector<UserEvent>>& sessions, size_t num_items)
      : p_(std::move(p)), training_(sessions), num_items_(num_items) {
    offsets_.push_back(0);
    std::vector<int64_t> last_time(sessions.size(), 0);
    std::vector<double> events(num_items, 0.0);
    std::vector<std::vector<uint32_t>> item_sessions(num_items);
    for (uint32_t s = 0; s < sessions.size(); ++s) {
      std::vector<ItemIdx> items;
      for (const UserEvent& e : sessions[s]) {
        if (e.item >= num_items) continue;
        items.push_back(e.item);
        events[e.item] += 1;
        last_time[s] = std::max(last_time[s], e.timestamp_ms);
      }
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
      for (ItemIdx i : items) item_sessions[i].push_back(s);
      items_.insert(items_.end(), items.begin(), items.end());
      offsets_.push_back(items_.size());
    }
    // Each item keeps its m most recent sessions, newest first.
    index_offsets_.push_back(0);
    for (auto& list : item_sessions) {
      std::stable_sort(list.begin(), list.end(), [&](uint32_t a, uint32_t b) { return last_time[a] > last_time[b]; });
      if (list.size() > static_cast<size_t>(p_.m)) list.resize(p_.m);
      index_.insert(index_.end(), list.begin(), list.end());
      index_offsets_.push_back(index_.size());
    }
    idf_.assign(num_items, 0.0);
    const double n_sessions = CountSessions(sessions, num_items);
    for (size_t i = 0; i < num_items; ++i) idf_[i] = events[i] > 0 ? std::log(n_sessions / events[i]) : 0.0;
    recency_.resize(sessions.size());  // rank by recency, for deterministic ties
    std::vector<uint32_t> order(sessions.size());
    for (uint32_t s = 0; s < order.size(); ++s) order[s] = s;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return last_time[a] > last_time[b]; });
    for (uint32_t r = 0; r < order.size(); ++r) recency_[order[r]] = r;
  }

  std::string Spec() const override { return p_.Spec(); }
  std::string Save() const override {
    SnapshotWriter w(p_.Spec());
    SaveSequences(&w, training_, num_items_);
    return w.Finish();
  }

  std::vector<Scored> Recommend(std::span<const UserEvent> all_events, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    const std::vector<UserEvent> clicks = Clicks(all_events);
    const std::span<const UserEvent> history(clicks);
    // Distinct prefix items with the weight of their latest position.
    thread_local std::vector<std::pair<ItemIdx, float>> prefix;
    prefix.clear();
    const int len = static_cast<int>(history.size());
    for (int i = 0; i < len; ++i) {
      if (history[i].item >= num_items_) continue;
      const float w = static_cast<float>(PositionWeight(p_.weighting, i + 1, len));
      auto it = std::find_if(prefix.begin(), prefix.end(), [&](const auto& e) { return e.first == history[i].item; });
      if (it == prefix.end()) {
        prefix.emplace_back(history[i].item, w);
      } else {
        it->second = w;
      }
    }
    if (prefix.empty()) return {};
    // Similarity of every indexed session: the weights of the prefix items it holds.
    thread_local std::vector<float> sim;
    thread_local std::vector<uint8_t> seen;
    thread_local std::vector<uint32_t> touched;
    if (sim.size() < recency_.size()) {
      sim.assign(recency_.size(), 0.0f);
      seen.assign(recency_.size(), 0);
    }
    touched.clear();
    for (const auto& [item, w] : prefix) {
      for (uint64_t k = index_offsets_[item]; k < index_offsets_[item + 1]; ++k) {
        const uint32_t s = index_[k];
        if (!seen[s]) {
          seen[s] = 1;
          touched.push_back(s);
        }
        sim[s] += w;
      }
    }
    // Only positive similarities vote (some weightings give 0 or less to old positions).
    size_t kept = 0;
    for (size_t t = 0; t < touched.size(); ++t) {
      const uint32_t s = touched[t];
      seen[s] = 0;
      if (sim[s] > 0) {
        touched[kept++] = s;
      } else {
        sim[s] = 0.0f;
      }
    }
    touched.resize(kept);
    // The k most similar; ties go to the more recent session.
    const size_t k = std::min(touched.size(), static_cast<size_t>(p_.k));
    auto better = [&](uint32_t a, uint32_t b) { return sim[a] > sim[b] || (sim[a] == sim[b] && recency_[a] < recency_[b]); };
    std::partial_sort(touched.begin(), touched.begin() + k, touched.end(), better);
    const float norm = static_cast<float>(prefix.size());
    std::unordered_map<ItemIdx, double> scores;
    for (size_t r = 0; r < k; ++r) {
      const uint32_t s = touched[r];
      const ItemIdx* begin = items_.data() + offsets_[s];
      const ItemIdx* end = items_.data() + offsets_[s + 1];
      double decay = 0;
      for (int step = 1; step <= len; ++step) {
        if (std::binary_search(begin, end, history[len - step].item)) {
          decay = StepWeight(p_.score, step);
          break;
        }
      }
      const double similarity = sim[s] / norm;
      for (const ItemIdx* i = begin; i != end; ++i) scores[*i] += (similarity + similarity * idf_[*i] * p_.idf) * decay;
    }
    for (uint32_t s : touched) sim[s] = 0.0f;
    return Normalised(scores, n, keep);
  }

 private:
  Params p_;
  std::vector<std::vector<UserEvent>> training_;  // as given, for Save
  size_t num_items_;
  std::vector<uint64_t> offsets_;        // by session, into items_
  std::vector<ItemIdx> items_;           // each session's distinct items, sorted
  std::vector<uint64_t> index_offsets_;  // by item, into index_
  std::vector<uint32_t> index_;          // each item's m most recent sessions
  std::vector<uint32_t> recency_;        // by session: 0 for the most recent
  std::vector<double> idf_;
};

// STAN, sequence and time aware neighbourhood (Garg, Gupta, Malhotra, Vig & Shroff, SIGIR 2019),
// and VSTAN (Latifi, Mauro & Jannach, "Session-aware recommendation: a surprising quest for the
// state of the art", Information Sciences 2021), which adds an idf bonus and a decay by how far
// back in the prefix the newest item shared with the neighbour is.
struct StanParams {
  bool vstan = false;
  int k = 500, sample = 5000;
  double spw = 1.02, snh_days = 5, inh = 2.05, ipw = 1.02, idf = 5;
  std::string Spec() const {
    char buf[200];
    if (vstan) {
      std::snprintf(buf, sizeof(buf), "vstan(k=%d,sample=%d,spw=%g,snh=%g,inh=%g,ipw=%g,idf=%g)", k, sample, spw,
                    snh_days, inh, ipw, idf);
    } else {
      std::snprintf(buf, sizeof(buf), "stan(k=%d,sample=%d,spw=%g,snh=%g,inh=%g)", k, sample, spw, snh_days, inh);
    }
    return buf;
  }
};

class StanRecommender : public SessionIndexRecommender<StanParams> {
 public:
  using SessionIndexRecommender::SessionIndexRecommender;

  std::vector<Scored> Recommend(std::span<const UserEvent> all_events, size_t n,
                                const std::function<bool(ItemIdx)>& keep) const override {
    const std::vector<UserEvent> clicks = Clicks(all_events);
    const std::span<const UserEvent> history(clicks);
    // Session position weights exp((i - len) / spw): the newest event weighs 1; a repeated item
    // keeps its latest position.
    std::unordered_map<ItemIdx, double> pos;
    const int len = static_cast<int>(history.size());
    int64_t now = 0;
    for (int i = 0; i < len; ++i) {
      now = std::max(now, history[i].timestamp_ms);
      if (history[i].item < index_.num_items) pos[history[i].item] = std::exp((i + 1 - len) / p_.spw);
    }
    if (pos.empty()) return {};
    double current_sq = 0;
    for (const auto& [item, w] : pos) current_sq += w * w;
    const std::vector<uint32_t> candidates = index_.Candidates(pos, p_.sample);
    // Cosine between the weighted prefix and the neighbour's binary item set, decayed by the
    // neighbour's age (snh days) relative to the newest prefix event.
    const double snh_ms = p_.snh_days * 86400000.0;
    std::vector<std::pair<double, uint32_t>> neighbors;
    for (uint32_t s : candidates) {
      double shared = 0;
      for (ItemIdx i : index_.distinct[s]) {
        auto it = pos.find(i);
        if (it != pos.end()) shared += it->second;
      }
      double sim = shared / (std::sqrt(current_sq) * std::sqrt(static_cast<double>(index_.distinct[s].size())));
      if (snh_ms > 0) sim *= std::exp(-static_cast<double>(now - index_.last_time[s]) / snh_ms);
      neighbors.emplace_back(sim, s);
    }
    std::stable_sort(neighbors.begin(), neighbors.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (neighbors.size() > static_cast<size_t>(p_.k)) neighbors.resize(p_.k);
    // Each neighbour votes for its items, decayed by their distance (inh) from the last item it
    // shares with the prefix.
    std::unordered_map<ItemIdx, double> scores;
    std::unordered_map<ItemIdx, int> last_pos;
    for (const auto& [sim, s] : neighbors) {
      const std::vector<ItemIdx>& seq = index_.sequences[s];
      last_pos.clear();
      int anchor = 0;
      for (int i = 0; i < static_cast<int>(seq.size()); ++i) {
        if (pos.count(seq[i])) anchor = i + 1;
        last_pos[seq[i]] = i + 1;
      }
      // VSTAN: decay by the prefix position of the newest prefix event the neighbour shares.
      double ipw = 1.0;
      if (p_.vstan && p_.ipw > 0) {
        for (int i = len; i >= 1; --i) {
          if (index_.Holds(s, history[i - 1].item)) {
            ipw = std::exp((i - len) / p_.ipw);
            break;
          }
        }
      }
      for (const auto& [item, p] : last_pos) {
        double vote = sim * (p_.inh > 0 ? std::exp(-std::abs(p - anchor) / p_.inh) : 1.0);
        if (p_.vstan) vote = (vote + vote * index_.idf[item] * p_.idf) * ipw;
        scores[item] += vote;
      }
    }
    return Normalised(scores, n, keep);
  }
};

}  // namespace

namespace {

Status ParseStan(ModelSpec& spec, StanRecommender::Params* p) {
  p->vstan = spec.name() == "vstan";
  if (p->vstan) {
    RECD_RETURN_IF_ERROR(spec.GetDouble("ipw", 1.02, 0.0, 1e6, &p->ipw));
    RECD_RETURN_IF_ERROR(spec.GetDouble("idf", 5.0, 0.0, 1e6, &p->idf));
  }
  RECD_RETURN_IF_ERROR(spec.GetInt("k", 500, 1, 1 << 20, &p->k));
  RECD_RETURN_IF_ERROR(spec.GetInt("sample", 5000, 0, 1 << 30, &p->sample));
  RECD_RETURN_IF_ERROR(spec.GetDouble("spw", 1.02, 1e-6, 1e6, &p->spw));
  RECD_RETURN_IF_ERROR(spec.GetDouble("snh", 5.0, 0.0, 1e6, &p->snh_days));
  RECD_RETURN_IF_ERROR(spec.GetDouble("inh", 2.05, 0.0, 1e6, &p->inh));
  return spec.CheckAllUsed();
}

Status ParseVsknn(ModelSpec& spec, VsknnRecommender::Params* p) {
  RECD_RETURN_IF_ERROR(spec.GetInt("k", 100, 1, 1 << 20, &p->k));
  RECD_RETURN_IF_ERROR(spec.GetInt("sample", 1000, 0, 1 << 30, &p->sample));
  RECD_RETURN_IF_ERROR(spec.GetString("weighting", "div", &p->weighting));
  RECD_RETURN_IF_ERROR(spec.GetString("score", "div", &p->score));
  RECD_RETURN_IF_ERROR(spec.GetDouble("idf", 0.0, 0.0, 1e6, &p->idf));
  RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
  RECD_RETURN_IF_ERROR(CheckWeighting("vsknn: weighting", p->weighting));
  return CheckWeighting("vsknn: score", p->score);
}

}  // namespace

static Status ParseVmis(ModelSpec& spec, VmisRecommender::Params* p) {
  RECD_RETURN_IF_ERROR(spec.GetInt("k", 100, 1, 1 << 20, &p->k));
  RECD_RETURN_IF_ERROR(spec.GetInt("m", 500, 1, 1 << 24, &p->m));
  RECD_RETURN_IF_ERROR(spec.GetString("weighting", "div", &p->weighting));
  RECD_RETURN_IF_ERROR(spec.GetString("score", "div", &p->score));
  RECD_RETURN_IF_ERROR(spec.GetDouble("idf", 0.0, 0.0, 1e6, &p->idf));
  RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
  RECD_RETURN_IF_ERROR(CheckWeighting("vmis: weighting", p->weighting));
  return CheckWeighting("vmis: score", p->score);
}

Result<std::unique_ptr<Recommender>> TrainVmis(ModelSpec& spec, const TrainingData& data) {
  VmisRecommender::Params p;
  RECD_RETURN_IF_ERROR(ParseVmis(spec, &p));
  RECD_RETURN_IF_ERROR(NeedSequences(data, "vmis"));
  return std::unique_ptr<Recommender>(new VmisRecommender(p, *data.sequences, data.matrix.num_cols));
}

Result<std::unique_ptr<Recommender>> TrainStan(ModelSpec& spec, const TrainingData& data) {
  StanRecommender::Params p;
  RECD_RETURN_IF_ERROR(ParseStan(spec, &p));
  RECD_RETURN_IF_ERROR(NeedSequences(data, spec.name()));
  return std::unique_ptr<Recommender>(new StanRecommender(p, *data.sequences, data.matrix.num_cols));
}

Result<std::unique_ptr<Recommender>> LoadSessionModel(ModelSpec& spec, const SnapshotReader& reader) {
  Status st;
  std::vector<std::vector<UserEvent>> sessions;
  size_t num_items = 0;
  if (spec.name() == "sr" || spec.name() == "ar") {
    std::vector<uint64_t> offsets;
    std::vector<uint32_t> items;
    std::vector<double> weights;
    RECD_RETURN_IF_ERROR(reader.Array("OFFS", &offsets));
    RECD_RETURN_IF_ERROR(reader.Array("ITEM", &items));
    RECD_RETURN_IF_ERROR(reader.Array("WGHT", &weights));
    if (offsets.empty() || offsets.front() != 0 || offsets.back() != items.size() || weights.size() != items.size()) {
      return Status::Corruption("model snapshot: sr rules do not fit together");
    }
    std::vector<std::vector<Scored>> rules(offsets.size() - 1);
    for (size_t a = 0; a < rules.size(); ++a) {
      if (offsets[a] > offsets[a + 1]) return Status::Corruption("model snapshot: sr offsets decrease");
      for (uint64_t k = offsets[a]; k < offsets[a + 1]; ++k) rules[a].push_back({items[k], weights[k]});
    }
    return std::unique_ptr<Recommender>(new SrRecommender(reader.spec(), std::move(rules)));
  }
  RECD_RETURN_IF_ERROR(LoadSequences(reader, &sessions, &num_items));
  if (spec.name() == "vmis") {
    VmisRecommender::Params p;
    st = ParseVmis(spec, &p);
    if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
    return std::unique_ptr<Recommender>(new VmisRecommender(p, sessions, num_items));
  }
  if (spec.name() == "vsknn") {
    VsknnRecommender::Params p;
    st = ParseVsknn(spec, &p);
    if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
    return std::unique_ptr<Recommender>(new VsknnRecommender(p, sessions, num_items));
  }
  StanRecommender::Params p;
  st = ParseStan(spec, &p);
  if (!st.ok()) return Status::Corruption("model snapshot: " + st.message());
  return std::unique_ptr<Recommender>(new StanRecommender(p, sessions, num_items));
}

Result<std::unique_ptr<Recommender>> TrainSr(ModelSpec& spec, const TrainingData& data) {
  int steps = 10, pruning = 20;
  std::string weighting;
  RECD_RETURN_IF_ERROR(spec.GetInt("steps", 10, 1, 1000, &steps));
  RECD_RETURN_IF_ERROR(spec.GetString("weighting", "div", &weighting));
  RECD_RETURN_IF_ERROR(spec.GetInt("pruning", 20, 0, 1 << 20, &pruning));
  RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
  RECD_RETURN_IF_ERROR(CheckWeighting("sr: weighting", weighting));
  RECD_RETURN_IF_ERROR(NeedSequences(data, "sr"));
  const size_t num_items = data.matrix.num_cols;
  std::vector<std::unordered_map<ItemIdx, double>> rules(num_items);
  for (const std::vector<UserEvent>& session : *data.sequences) {
    for (size_t b = 1; b < session.size(); ++b) {
      for (size_t d = 1; d <= static_cast<size_t>(steps) && d <= b; ++d) {
        const ItemIdx a = session[b - d].item, item = session[b].item;
        if (a < num_items && item < num_items) rules[a][item] += StepWeight(weighting, static_cast<int>(d));
      }
    }
  }
  std::vector<std::vector<Scored>> kept(num_items);
  for (size_t a = 0; a < num_items; ++a) {
    for (const auto& [item, w] : rules[a]) kept[a].push_back({item, w});
    std::sort(kept[a].begin(), kept[a].end(), BetterThan);
    if (pruning > 0 && kept[a].size() > static_cast<size_t>(pruning)) kept[a].resize(pruning);
  }
  char canonical[96];
  std::snprintf(canonical, sizeof(canonical), "sr(steps=%d,weighting=%s,pruning=%d)", steps, weighting.c_str(), pruning);
  return std::unique_ptr<Recommender>(new SrRecommender(canonical, std::move(kept)));
}

Result<std::unique_ptr<Recommender>> TrainAr(ModelSpec& spec, const TrainingData& data) {
  int pruning = 10;
  RECD_RETURN_IF_ERROR(spec.GetInt("pruning", 10, 0, 1 << 20, &pruning));
  RECD_RETURN_IF_ERROR(spec.CheckAllUsed());
  RECD_RETURN_IF_ERROR(NeedSequences(data, "ar"));
  const size_t num_items = data.matrix.num_cols;
  // Every pair of different items in one session, both ways, whatever their order.
  std::vector<std::unordered_map<ItemIdx, double>> rules(num_items);
  for (const std::vector<UserEvent>& session : *data.sequences) {
    for (size_t b = 1; b < session.size(); ++b) {
      for (size_t a = 0; a < b; ++a) {
        const ItemIdx x = session[a].item, y = session[b].item;
        if (x == y || x >= num_items || y >= num_items) continue;
        rules[x][y] += 1;
        rules[y][x] += 1;
      }
    }
  }
  std::vector<std::vector<Scored>> kept(num_items);
  for (size_t a = 0; a < num_items; ++a) {
    for (const auto& [item, w] : rules[a]) kept[a].push_back({item, w});
    std::sort(kept[a].begin(), kept[a].end(), BetterThan);
    if (pruning > 0 && kept[a].size() > static_cast<size_t>(pruning)) kept[a].resize(pruning);
  }
  return std::unique_ptr<Recommender>(new SrRecommender("ar(pruning=" + std::to_string(pruning) + ")", std::move(kept)));
}

Result<std::unique_ptr<Recommender>> TrainVsknn(ModelSpec& spec, const TrainingData& data) {
  VsknnRecommender::Params p;
  RECD_RETURN_IF_ERROR(ParseVsknn(spec, &p));
  RECD_RETURN_IF_ERROR(NeedSequences(data, "vsknn"));
  return std::unique_ptr<Recommender>(new VsknnRecommender(p, *data.sequences, data.matrix.num_cols));
}

}  // namespace recd
