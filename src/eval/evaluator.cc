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

OfflineEvaluator::OfflineEvaluator(const Dataset& dataset, const Split& split, EvalOptions options)
    : options_(std::move(options)) {
  const size_t num_users = dataset.users.size(), num_items = dataset.items.size();
  std::vector<std::vector<ItemIdx>> train_items = ItemsByUser(split.train, num_users);
  std::vector<std::vector<ItemIdx>> test_items = ItemsByUser(split.test, num_users);

  // Binary user x item matrix of the training part.
  train_.num_rows = static_cast<uint32_t>(num_users);
  train_.num_cols = static_cast<uint32_t>(num_items);
  train_.row_ptr.push_back(0);
  in_train_.assign(num_items, false);
  stats_.item_users.assign(num_items, 0.0);
  for (const auto& items : train_items) {
    for (ItemIdx i : items) {
      train_.cols.push_back(i);
      train_.values.push_back(1.0f);
      in_train_[i] = true;
      stats_.item_users[i] += 1;
    }
    train_.row_ptr.push_back(train_.cols.size());
    stats_.num_users += items.empty() ? 0 : 1;
  }
  stats_.num_items = static_cast<double>(std::count(in_train_.begin(), in_train_.end(), true));

  // Users evaluated: those with both training and test items (a cold user has no history to
  // rank from). Every test item counts as relevant, candidate or not (as Microsoft
  // Recommenders does: recall's denominator is the whole test set of the user).
  for (uint32_t u = 0; u < num_users; ++u) {
    if (train_items[u].empty() || test_items[u].empty()) continue;
    users_.push_back(u);
    relevant_.push_back(std::move(test_items[u]));
  }

  std::unordered_map<std::string, uint32_t> category_ids;
  stats_.item_categories.resize(num_items);
  for (ItemIdx i = 0; i < num_items && i < dataset.item_categories.size(); ++i) {
    for (const std::string& c : dataset.item_categories[i]) {
      stats_.item_categories[i].push_back(category_ids.emplace(c, category_ids.size()).first->second);
    }
    std::sort(stats_.item_categories[i].begin(), stats_.item_categories[i].end());
  }
}

Result<ModelResult> OfflineEvaluator::Evaluate(const std::string& spec) const {
  ModelResult result;
  const int64_t train_start = MonotonicMicros();
  Result<std::unique_ptr<Recommender>> model = TrainRecommender(spec, train_);
  if (!model.ok()) return model.status();
  result.train_seconds = (MonotonicMicros() - train_start) / 1e6;
  result.spec = (*model)->Spec();
  result.users = users_.size();

  const size_t max_k = *std::max_element(options_.ks.begin(), options_.ks.end());
  std::vector<ListMetrics> sums(options_.ks.size());
  std::vector<BeyondAccuracy> beyond;
  for (size_t k = 0; k < options_.ks.size(); ++k) beyond.emplace_back(stats_);
  std::vector<double> latency;
  latency.reserve(users_.size());
  std::vector<Affinity> history;
  std::vector<ItemIdx> ranked;
  Progress progress("evaluating " + result.spec);

  for (size_t n = 0; n < users_.size(); ++n) {
    const uint32_t u = users_[n];
    const uint64_t begin = train_.row_ptr[u], end = train_.row_ptr[u + 1];
    history.clear();
    for (uint64_t x = begin; x < end; ++x) history.push_back({train_.cols[x], 1.0f});
    const uint32_t* seen_begin = train_.cols.data() + begin;
    const uint32_t* seen_end = train_.cols.data() + end;
    auto keep = [&](ItemIdx i) {
      return in_train_[i] && (options_.keep_seen || !std::binary_search(seen_begin, seen_end, i));
    };
    const int64_t t0 = MonotonicMicros();
    std::vector<Scored> top = (*model)->Recommend(history, max_k, keep);
    latency.push_back((MonotonicMicros() - t0) / 1000.0);
    ranked.clear();
    for (const Scored& s : top) ranked.push_back(s.idx);
    for (size_t k = 0; k < options_.ks.size(); ++k) {
      ListMetrics m = ScoreList(ranked, relevant_[n], options_.ks[k], options_.map_norm);
      sums[k].hit += m.hit;
      sums[k].precision += m.precision;
      sums[k].recall += m.recall;
      sums[k].ndcg += m.ndcg;
      sums[k].mrr += m.mrr;
      sums[k].map += m.map;
      beyond[k].Add(std::span<const ItemIdx>(ranked.data(), std::min(ranked.size(), options_.ks[k])));
    }
    if (options_.progress) progress.Update(n + 1, n + 1, users_.size());
  }
  if (options_.progress) progress.Finish(users_.size());

  const double users = std::max<double>(1.0, static_cast<double>(users_.size()));
  for (size_t k = 0; k < options_.ks.size(); ++k) {
    const std::string at = "@" + std::to_string(options_.ks[k]);
    result.metrics["hit_rate" + at] = sums[k].hit / users;
    result.metrics["precision" + at] = sums[k].precision / users;
    result.metrics["recall" + at] = sums[k].recall / users;
    result.metrics["ndcg" + at] = sums[k].ndcg / users;
    result.metrics["mrr" + at] = sums[k].mrr / users;
    result.metrics["map" + at] = sums[k].map / users;
    result.metrics["coverage" + at] = beyond[k].Coverage();
    result.metrics["diversity" + at] = beyond[k].IntraListDiversity();
    result.metrics["novelty" + at] = beyond[k].Novelty();
    result.metrics["popularity" + at] = beyond[k].AveragePopularity();
  }
  result.latency_ms = Summarize(latency);
  return result;
}

}  // namespace recd
