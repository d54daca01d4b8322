#include "eval/replay.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "core/clock.h"
#include "data/text_input.h"
#include "recd/engine.h"

namespace recd {

namespace {

Event ToEvent(const Dataset& ds, const Interaction& r) {
  Event e;
  e.user_key = ds.sessions ? "" : ds.users.Key(r.user);
  e.session_key = ds.sessions ? ds.users.Key(r.user) : "";
  e.item_key = ds.items.Key(r.item);
  // Ratings keep their value; implicit rows are views.
  const bool rated = ds.ratings && r.rating >= 0.5f && r.rating <= 5.0f;
  e.type = rated ? EventType::kRating : EventType::kView;
  if (rated) e.value = r.rating;
  e.timestamp_ms = std::max<int64_t>(r.timestamp_ms, 1);
  return e;
}

// A scratch data directory, removed with the engine.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "recd-replay-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

Result<ModelResult> Replay(const Dataset& ds, const Split& split, const ReplayOptions& options) {
  ScratchDir dir;
  if (dir.path().empty()) return Status::IOError("cannot create a temporary directory for the replay");
  Options engine_options = options.engine;
  engine_options.data_dir = dir.path();
  engine_options.retrain_interval_seconds = 0;
  engine_options.max_future_ms = int64_t{100} * 365 * 24 * 3600 * 1000;  // datasets may be stamped in any year
  if (!options.eval.keep_seen) {  // every event type excludes the item, as the offline protocols mask seen items
    engine_options.exclude_types.clear();
    for (int t = 0; t < kNumEventTypes; ++t) engine_options.exclude_types.push_back(static_cast<EventType>(t));
  }
  Result<std::unique_ptr<Engine>> opened = Engine::Open(engine_options);
  if (!opened.ok()) return opened.status();
  Engine& engine = **opened;

  // Training events in time order, in batches.
  std::vector<Interaction> train = split.train;
  std::stable_sort(train.begin(), train.end(), [](const Interaction& a, const Interaction& b) {
    return a.timestamp_ms < b.timestamp_ms;
  });
  Progress load("replay: loading training events");
  for (size_t start = 0; start < train.size(); start += 10000) {
    std::vector<Event> batch;
    for (size_t k = start; k < std::min(train.size(), start + 10000); ++k) batch.push_back(ToEvent(ds, train[k]));
    for (const Status& st : engine.Ingest(std::move(batch))) RECD_RETURN_IF_ERROR(st);
    if (options.eval.progress) load.Update(std::min(train.size(), start + 10000), start, train.size());
  }
  if (options.eval.progress) load.Finish(train.size());
  RECD_RETURN_IF_ERROR(engine.Retrain(/*wait=*/true));

  ModelResult result;
  result.spec = "engine:" + engine.CurrentModel().spec;
  result.train_seconds = engine.CurrentModel().train_ms / 1000.0;

  // Test events in time order; each shopper's remaining test items are the relevant set.
  std::vector<uint32_t> order(split.test.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return split.test[a].timestamp_ms < split.test[b].timestamp_ms;
  });
  std::vector<std::vector<uint32_t>> remaining(ds.users.size());  // per user, test rows not yet replayed
  for (uint32_t k : order) remaining[split.test[k].user].push_back(k);
  std::vector<size_t> consumed(ds.users.size(), 0);

  CatalogStats stats;  // beyond-accuracy over the training catalog
  FillCategories(ds, &stats);
  stats.item_users.assign(ds.items.size(), 0.0);
  {
    std::vector<std::vector<ItemIdx>> by_user(ds.users.size());
    for (const Interaction& r : split.train) by_user[r.user].push_back(r.item);
    for (auto& items : by_user) {
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
      for (ItemIdx i : items) stats.item_users[i] += 1;
      stats.num_users += items.empty() ? 0 : 1;
    }
    stats.num_items = static_cast<double>(std::count_if(stats.item_users.begin(), stats.item_users.end(),
                                                        [](double u) { return u > 0; }));
  }
  const size_t max_k = *std::max_element(options.eval.ks.begin(), options.eval.ks.end());
  EvalOptions eval = options.eval;
  eval.ties = TieOrder::kIndex;  // the engine returns ranked lists only
  MetricSums sums(eval, stats);
  std::vector<double> latency;
  std::vector<ItemIdx> rest;
  Progress progress("replay: test events");
  for (size_t n = 0; n < order.size(); ++n) {
    const Interaction& r = split.test[order[n]];
    RecommendRequest req;
    (ds.sessions ? req.session_key : req.user_key) = ds.users.Key(r.user);
    req.n = static_cast<int>(max_k);
    const int64_t t0 = MonotonicMicros();
    Result<std::vector<Recommendation>> list = engine.Recommend(req);
    latency.push_back((MonotonicMicros() - t0) / 1000.0);
    if (!list.ok()) return list.status();
    std::vector<Scored> scored;
    for (const Recommendation& rec : *list) {
      if (std::optional<uint32_t> idx = ds.items.Find(rec.item_key)) scored.push_back({*idx, rec.score});
    }
    rest.clear();
    const std::vector<uint32_t>& mine = remaining[r.user];
    for (size_t k = consumed[r.user]; k < mine.size(); ++k) rest.push_back(split.test[mine[k]].item);
    ++consumed[r.user];
    std::sort(rest.begin(), rest.end());
    rest.erase(std::unique(rest.begin(), rest.end()), rest.end());
    const ItemIdx next[] = {r.item};
    sums.Add(scored, rest, next);
    for (const Status& st : engine.Ingest({ToEvent(ds, r)})) RECD_RETURN_IF_ERROR(st);
    if (options.eval.progress) progress.Update(n + 1, n + 1, order.size());
  }
  if (options.eval.progress) progress.Finish(order.size());
  sums.Write(&result.metrics);
  result.latency_ms = Summarize(latency);
  result.users = order.size();
  return result;
}

}  // namespace recd
