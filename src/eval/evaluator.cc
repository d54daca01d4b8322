#include "eval/evaluator.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "core/clock.h"
#include "data/text_input.h"
#include "models/model.h"

namespace recd {

namespace {

// Distinct items per user, sorted.
std::vector<std::vector<ItemIdx>> ItemsByUser(const std::vector<Interaction>& rows, size_t num_users) {
  std::vector<std::vector<ItemIdx>> out(num_users);
  for (const Interaction& r : rows) out[r.user].push_back(r.item);
  for (auto& items : out) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
  }
  return out;
}

}  // namespace

size_t ListLength(const EvalOptions& options, size_t num_items) {
  // Pessimistic ties need every scored candidate: a tie may straddle the cut-off.
  if (options.ties == TieOrder::kPessimistic) return num_items;
  return *std::max_element(options.ks.begin(), options.ks.end());
}

LatencyMs Summarize(std::vector<double>& samples) {
  LatencyMs l;
  if (samples.empty()) return l;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) { return samples[std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()))]; };
  l.p50 = at(0.50);
  l.p90 = at(0.90);
  l.p99 = at(0.99);
  double sum = 0;
  for (double s : samples) sum += s;
  l.mean = sum / static_cast<double>(samples.size());
  return l;
}

MetricSums::MetricSums(const EvalOptions& options, const CatalogStats& stats)
    : options_(options), sums_(options.ks.size()) {
  for (size_t k = 0; k < options.ks.size(); ++k) beyond_.emplace_back(stats);
}

namespace {
// The items of `scored` in order; with pessimistic ties, each run of equal scores lists the
// items not in `relevant` first.
void Order(std::span<const Scored> scored, std::span<const ItemIdx> relevant, TieOrder ties, std::vector<ItemIdx>* out) {
  out->clear();
  for (const Scored& s : scored) out->push_back(s.idx);
  if (ties != TieOrder::kPessimistic) return;
  auto is_relevant = [&](ItemIdx i) { return std::binary_search(relevant.begin(), relevant.end(), i); };
  for (size_t a = 0; a < scored.size();) {
    size_t b = a + 1;
    while (b < scored.size() && scored[b].score == scored[a].score) ++b;
    std::stable_partition(out->begin() + a, out->begin() + b, [&](ItemIdx i) { return !is_relevant(i); });
    a = b;
  }
}
}  // namespace

void MetricSums::Add(std::span<const Scored> scored, std::span<const ItemIdx> relevant,
                     std::span<const ItemIdx> next) {
  ++lists_;
  std::vector<ItemIdx> next_order;
  Order(scored, relevant, options_.ties, &ranked_);
  const bool same = next.data() == relevant.data();
  if (!same) Order(scored, next, options_.ties, &next_order);
  const std::vector<ItemIdx>& ranked = ranked_;
  for (size_t k = 0; k < options_.ks.size(); ++k) {
    const size_t cut = options_.ks[k];
    ListMetrics m = ScoreList(ranked, relevant, cut, options_.map_norm, options_.recall_norm);
    ListMetrics n = same ? m : ScoreList(next_order, next, cut, options_.map_norm, options_.recall_norm);
    ListMetrics& sum = sums_[k];
    sum.hit += n.hit;
    sum.mrr += n.mrr;
    sum.precision += m.precision;
    sum.recall += m.recall;
    sum.ndcg += m.ndcg;
    sum.map += m.map;
    beyond_[k].Add(std::span<const ItemIdx>(ranked.data(), std::min(ranked.size(), cut)));
  }
}

void MetricSums::Write(std::map<std::string, double>* metrics) const {
  const double n = std::max<double>(1.0, static_cast<double>(lists_));
  for (size_t k = 0; k < options_.ks.size(); ++k) {
    const std::string at = "@" + std::to_string(options_.ks[k]);
    const ListMetrics& sum = sums_[k];
    (*metrics)["hit_rate" + at] = sum.hit / n;
    (*metrics)["precision" + at] = sum.precision / n;
    (*metrics)["recall" + at] = sum.recall / n;
    (*metrics)["ndcg" + at] = sum.ndcg / n;
    (*metrics)["mrr" + at] = sum.mrr / n;
    (*metrics)["map" + at] = sum.map / n;
    (*metrics)["coverage" + at] = beyond_[k].Coverage();
    (*metrics)["diversity" + at] = beyond_[k].IntraListDiversity();
    (*metrics)["novelty" + at] = beyond_[k].Novelty();
    (*metrics)["popularity" + at] = beyond_[k].AveragePopularity();
  }
  if (options_.metrics.empty()) return;
  std::erase_if(*metrics, [&](const auto& entry) {
    const std::string name = entry.first.substr(0, entry.first.find('@'));
    return std::find(options_.metrics.begin(), options_.metrics.end(), name) == options_.metrics.end();
  });
}

namespace {

// A matrix of rows x items from interactions; `counts` keeps the number of events per cell,
// otherwise cells are 1. Also fills the candidate mask and the catalog statistics.
InteractionMatrix TrainMatrix(const std::vector<Interaction>& rows, size_t num_rows, size_t num_items, bool counts,
                              std::vector<bool>* in_train, CatalogStats* stats) {
  std::vector<std::vector<std::pair<ItemIdx, float>>> cells(num_rows);
  for (const Interaction& r : rows) cells[r.user].push_back({r.item, 1.0f});
  InteractionMatrix m;
  m.num_rows = static_cast<uint32_t>(num_rows);
  m.num_cols = static_cast<uint32_t>(num_items);
  m.row_ptr.push_back(0);
  in_train->assign(num_items, false);
  stats->item_users.assign(num_items, 0.0);
  for (auto& row : cells) {
    std::sort(row.begin(), row.end());
    for (size_t k = 0; k < row.size(); ++k) {
      if (k > 0 && row[k].first == row[k - 1].first) {
        if (counts) m.values.back() += 1.0f;
        continue;
      }
      m.cols.push_back(row[k].first);
      m.values.push_back(1.0f);
      (*in_train)[row[k].first] = true;
      stats->item_users[row[k].first] += 1;
    }
    m.row_ptr.push_back(m.cols.size());
    stats->num_users += row.empty() ? 0 : 1;
  }
  stats->num_items = static_cast<double>(std::count(in_train->begin(), in_train->end(), true));
  return m;
}

}  // namespace

void FillCategories(const Dataset& dataset, CatalogStats* stats) {
  std::unordered_map<std::string, uint32_t> ids;
  stats->item_categories.assign(dataset.items.size(), {});
  for (ItemIdx i = 0; i < dataset.items.size() && i < dataset.item_categories.size(); ++i) {
    for (const std::string& c : dataset.item_categories[i]) {
      stats->item_categories[i].push_back(ids.emplace(c, ids.size()).first->second);
    }
    std::sort(stats->item_categories[i].begin(), stats->item_categories[i].end());
  }
}

namespace {

// Trains `spec` and fills the parts of the result that do not depend on the protocol.
Result<std::unique_ptr<Recommender>> Train(const std::string& spec, const InteractionMatrix& m, int64_t reference_ms,
                                           const std::vector<std::vector<UserEvent>>* sequences,
                                           const std::vector<ItemText>* item_text,
                                           const std::vector<std::vector<uint32_t>>* user_cohorts, ModelResult* result) {
  const int64_t start = MonotonicMicros();
  Result<std::unique_ptr<Recommender>> model =
      TrainRecommender(spec, TrainingData{m, reference_ms, sequences, item_text, user_cohorts});
  if (!model.ok()) return model.status();
  result->train_seconds = (MonotonicMicros() - start) / 1e6;
  result->spec = (*model)->Spec();
  return model;
}

}  // namespace

OfflineEvaluator::OfflineEvaluator(const Dataset& dataset, const Split& split, EvalOptions options)
    : options_(std::move(options)) {
  const size_t num_users = dataset.users.size();
  train_ = TrainMatrix(split.train, num_users, dataset.items.size(), /*counts=*/false, &in_train_, &stats_);
  FillCategories(dataset, &stats_);
  if (!split.candidates.empty()) {  // cold items: only they may be recommended
    in_train_.assign(dataset.items.size(), false);
    for (ItemIdx i : split.candidates) in_train_[i] = true;
    stats_.num_items = static_cast<double>(split.candidates.size());
  }
  item_text_.resize(dataset.items.size());
  for (ItemIdx i = 0; i < dataset.items.size(); ++i) {
    ItemText& t = item_text_[i];
    if (i < dataset.item_titles.size()) t.title = dataset.item_titles[i];
    if (i < dataset.item_categories.size()) t.categories = dataset.item_categories[i];
    if (i < dataset.item_tags.size()) t.tags = dataset.item_tags[i];
  }
  std::unordered_map<std::string, uint32_t> cohort_ids;
  user_cohorts_.resize(num_users);
  for (uint32_t u = 0; u < num_users && u < dataset.user_attributes.size(); ++u) {
    for (const std::string& a : dataset.user_attributes[u]) {
      user_cohorts_[u].push_back(cohort_ids.emplace(a, cohort_ids.size()).first->second);
    }
  }
  std::vector<std::vector<ItemIdx>> history = ItemsByUser(split.train, num_users);
  std::vector<std::vector<ItemIdx>> fold_in = ItemsByUser(split.fold_in, num_users);
  // The history as events: ratings weigh what they say (1 for implicit data).
  std::vector<std::vector<UserEvent>> train_events(num_users), fold_in_events(num_users);
  for (const Interaction& r : split.train) {
    train_events[r.user].push_back({r.item, dataset.ratings ? r.rating : 1.0f, r.timestamp_ms});
    reference_time_ms_ = std::max(reference_time_ms_, r.timestamp_ms);
  }
  for (const Interaction& r : split.fold_in) {
    fold_in_events[r.user].push_back({r.item, dataset.ratings ? r.rating : 1.0f, r.timestamp_ms});
  }
  // Histories oldest first: the sequence models read the order (a holdout split shuffles it).
  auto by_time = [](const UserEvent& a, const UserEvent& b) { return a.timestamp_ms < b.timestamp_ms; };
  for (auto& seq : train_events) std::stable_sort(seq.begin(), seq.end(), by_time);
  for (auto& seq : fold_in_events) std::stable_sort(seq.begin(), seq.end(), by_time);
  sequences_ = train_events;
  std::vector<std::vector<ItemIdx>> test_items = ItemsByUser(split.test, num_users);
  // Every test item counts as relevant, candidate or not (as Microsoft Recommenders does:
  // recall's denominator is the user's whole test set).
  for (uint32_t u = 0; u < num_users; ++u) {
    const bool folded = !fold_in[u].empty();
    std::vector<ItemIdx>& h = folded ? fold_in[u] : history[u];
    if ((h.empty() && !split.cold_users) || test_items[u].empty()) continue;
    users_.push_back(u);
    history_.push_back(std::move(h));
    events_.push_back(std::move(folded ? fold_in_events[u] : train_events[u]));
    relevant_.push_back(std::move(test_items[u]));
  }
}

Result<ModelResult> OfflineEvaluator::Evaluate(const std::string& spec) const {
  ModelResult result;
  Result<std::unique_ptr<Recommender>> model =
      Train(spec, train_, reference_time_ms_, &sequences_, &item_text_, &user_cohorts_, &result);
  if (!model.ok()) return model.status();
  result.users = users_.size();
  const size_t list_length = ListLength(options_, train_.num_cols);
  MetricSums sums(options_, stats_);
  std::vector<double> latency;
  Progress progress("evaluating " + result.spec);
  for (size_t n = 0; n < users_.size(); ++n) {
    const std::vector<ItemIdx>& seen = history_[n];
    auto keep = [&](ItemIdx i) {
      return in_train_[i] && (options_.keep_seen || !std::binary_search(seen.begin(), seen.end(), i));
    };
    const int64_t t0 = MonotonicMicros();
    std::vector<Scored> top = (*model)->RecommendForCohorts(events_[n], user_cohorts_[users_[n]], list_length, keep);
    latency.push_back((MonotonicMicros() - t0) / 1000.0);
    sums.Add(top, relevant_[n], relevant_[n]);
    if (options_.progress) progress.Update(n + 1, n + 1, users_.size());
  }
  if (options_.progress) progress.Finish(users_.size());
  sums.Write(&result.metrics);
  result.latency_ms = Summarize(latency);
  return result;
}

SessionEvaluator::SessionEvaluator(const Dataset& dataset, const SessionSplit& split, EvalOptions options)
    : options_(std::move(options)), split_(split) {
  uint32_t sessions = 0;
  for (const Interaction& r : split.train) {
    sessions = std::max(sessions, r.user + 1);
    reference_time_ms_ = std::max(reference_time_ms_, r.timestamp_ms);
  }
  train_ = TrainMatrix(split.train, sessions, dataset.items.size(), /*counts=*/true, &in_train_, &stats_);
  sequences_.resize(sessions);
  for (const Interaction& r : split.train) sequences_[r.user].push_back({r.item, 1.0f, r.timestamp_ms});
  FillCategories(dataset, &stats_);
  for (const auto& s : split.test_sessions) predictions_ += s.size() - 1;
}

Result<ModelResult> SessionEvaluator::Evaluate(const std::string& spec) const {
  ModelResult result;
  Result<std::unique_ptr<Recommender>> model = Train(spec, train_, reference_time_ms_, &sequences_, nullptr, nullptr, &result);
  if (!model.ok()) return model.status();
  result.users = predictions_;
  const size_t list_length = ListLength(options_, train_.num_cols);
  MetricSums sums(options_, stats_);
  std::vector<double> latency;
  std::vector<UserEvent> prefix;
  std::vector<ItemIdx> rest;
  auto keep = [&](ItemIdx i) { return static_cast<bool>(in_train_[i]); };
  Progress progress("evaluating " + result.spec);
  size_t done = 0;
  for (const std::vector<Interaction>& session : split_.test_sessions) {
    prefix.clear();
    for (size_t pos = 1; pos < session.size(); ++pos) {
      prefix.push_back({session[pos - 1].item, 1.0f, session[pos - 1].timestamp_ms});
      const int64_t t0 = MonotonicMicros();
      std::vector<Scored> top = (*model)->Recommend(prefix, list_length, keep);
      latency.push_back((MonotonicMicros() - t0) / 1000.0);
      rest.clear();
      for (size_t r = pos; r < session.size(); ++r) rest.push_back(session[r].item);
      std::sort(rest.begin(), rest.end());
      rest.erase(std::unique(rest.begin(), rest.end()), rest.end());
      const ItemIdx next[] = {session[pos].item};
      sums.Add(top, rest, next);
      ++done;
      if (options_.progress) progress.Update(done, done, predictions_);
    }
  }
  if (options_.progress) progress.Finish(predictions_);
  sums.Write(&result.metrics);
  result.latency_ms = Summarize(latency);
  return result;
}

}  // namespace recd
