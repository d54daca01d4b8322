#include "eval/replay.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>

#include "core/clock.h"
#include "core/json_quote.h"
#include "data/text_input.h"
#include "recd/engine.h"
#include "search/feedback.h"

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

// An engine in a scratch directory, loaded with the training events (in time order, in batches)
// and trained.
class ReplayEngine {
 public:
  // `exclude_seen`: every event type excludes its item, as the offline protocols mask seen items.
  Status Open(const ReplayOptions& options, bool exclude_seen) {
    if (dir_.path().empty()) return Status::IOError("cannot create a temporary directory for the replay");
    Options engine_options = options.engine;
    engine_options.data_dir = dir_.path();
    engine_options.retrain_interval_seconds = 0;
    engine_options.session_ttl_minutes = 0;  // datasets are replayed long after they were recorded
    engine_options.max_future_ms = int64_t{100} * 365 * 24 * 3600 * 1000;  // datasets may be stamped in any year
    engine_options.exclude_types.clear();
    for (int t = 0; exclude_seen && t < kNumEventTypes; ++t) engine_options.exclude_types.push_back(static_cast<EventType>(t));
    Result<std::unique_ptr<Engine>> opened = Engine::Open(engine_options);
    if (!opened.ok()) return opened.status();
    engine_ = std::move(opened).value();
    return Status::OK();
  }

  Status Load(std::vector<Event> events, bool progress) {
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.timestamp_ms < b.timestamp_ms; });
    Progress bar("replay: loading training events");
    for (size_t start = 0; start < events.size(); start += 10000) {
      const size_t end = std::min(events.size(), start + 10000);
      std::vector<Event> batch(std::make_move_iterator(events.begin() + start), std::make_move_iterator(events.begin() + end));
      for (const Status& st : engine_->Ingest(std::move(batch))) RECD_RETURN_IF_ERROR(st);
      if (progress) bar.Update(end, end, events.size());
    }
    if (progress) bar.Finish(events.size());
    return engine_->Retrain(/*wait=*/true);
  }

  Engine& engine() { return *engine_; }

  // The shoppers' attributes ("name=value", ML-100k's demographics) as their user records,
  // before any event, so that their events count for their cohorts.
  Status StoreUsers(const Dataset& ds) {
    for (uint32_t u = 0; u < ds.user_attributes.size() && u < ds.users.size(); ++u) {
      if (ds.user_attributes[u].empty()) continue;
      std::string json;
      for (const std::string& a : ds.user_attributes[u]) {
        const size_t eq = a.find('=');
        json += (json.empty() ? "{" : ",") + JsonQuote(a.substr(0, eq)) + ":" +
                JsonQuote(eq == std::string::npos ? "" : a.substr(eq + 1));
      }
      RECD_RETURN_IF_ERROR(engine_->UpsertUser({ds.users.Key(u), json + "}"}));
    }
    return Status::OK();
  }

  void Describe(ModelResult* result) const {
    const ModelInfo info = engine_->CurrentModel();
    result->spec = "engine:" + info.spec;
    for (const BlendedModel& b : info.blend) {
      char weight[32];
      std::snprintf(weight, sizeof(weight), "%g*", b.weight);
      result->spec += "+" + std::string(b.weight == 1 ? "" : weight) + b.spec;
    }
    result->train_seconds = engine_->CurrentModel().train_ms / 1000.0;
  }

 private:
  ScratchDir dir_;
  std::unique_ptr<Engine> engine_;
};

// Asks the engine for a list and returns it as dataset item indices with scores.
Result<std::vector<Scored>> Ask(Engine& engine, const Dataset& ds, const RecommendRequest& req, std::vector<double>* latency) {
  const int64_t t0 = MonotonicMicros();
  Result<std::vector<Recommendation>> list = engine.Recommend(req);
  latency->push_back((MonotonicMicros() - t0) / 1000.0);
  if (!list.ok()) return list.status();
  std::vector<Scored> scored;
  for (const Recommendation& rec : *list) {
    if (std::optional<uint32_t> idx = ds.items.Find(rec.item_key)) scored.push_back({*idx, rec.score});
  }
  return scored;
}

CatalogStats TrainingStats(const Dataset& ds, const std::vector<Interaction>& train) {
  CatalogStats stats;
  FillCategories(ds, &stats);
  stats.item_users.assign(ds.items.size(), 0.0);
  uint32_t rows = 0;
  for (const Interaction& r : train) rows = std::max(rows, r.user + 1);
  std::vector<std::vector<ItemIdx>> by_row(rows);
  for (const Interaction& r : train) by_row[r.user].push_back(r.item);
  for (auto& items : by_row) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    for (ItemIdx i : items) stats.item_users[i] += 1;
    stats.num_users += items.empty() ? 0 : 1;
  }
  stats.num_items = static_cast<double>(
      std::count_if(stats.item_users.begin(), stats.item_users.end(), [](double u) { return u > 0; }));
  return stats;
}

}  // namespace

Result<ModelResult> Replay(const Dataset& ds, const Split& split, const ReplayOptions& options) {
  ReplayEngine replay;
  RECD_RETURN_IF_ERROR(replay.Open(options, !options.eval.keep_seen));
  RECD_RETURN_IF_ERROR(replay.StoreUsers(ds));
  std::vector<Event> train;
  for (const Interaction& r : split.train) train.push_back(ToEvent(ds, r));
  RECD_RETURN_IF_ERROR(replay.Load(std::move(train), options.eval.progress));
  Engine& engine = replay.engine();
  ModelResult result;
  replay.Describe(&result);

  // Test events in time order; each shopper's remaining test items are the relevant set.
  std::vector<uint32_t> order(split.test.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return split.test[a].timestamp_ms < split.test[b].timestamp_ms;
  });
  std::vector<std::vector<uint32_t>> remaining(ds.users.size());  // per user, test rows not yet replayed
  for (uint32_t k : order) remaining[split.test[k].user].push_back(k);
  std::vector<size_t> consumed(ds.users.size(), 0);

  const CatalogStats stats = TrainingStats(ds, split.train);  // beyond-accuracy over the training catalog
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
    Result<std::vector<Scored>> scored = Ask(engine, ds, req, &latency);
    if (!scored.ok()) return scored.status();
    rest.clear();
    const std::vector<uint32_t>& mine = remaining[r.user];
    for (size_t k = consumed[r.user]; k < mine.size(); ++k) rest.push_back(split.test[mine[k]].item);
    ++consumed[r.user];
    std::sort(rest.begin(), rest.end());
    rest.erase(std::unique(rest.begin(), rest.end()), rest.end());
    const ItemIdx next[] = {r.item};
    sums.Add(*scored, rest, next);
    for (const Status& st : engine.Ingest({ToEvent(ds, r)})) RECD_RETURN_IF_ERROR(st);
    if (options.eval.progress) progress.Update(n + 1, n + 1, order.size());
  }
  if (options.eval.progress) progress.Finish(order.size());
  sums.Write(&result.metrics);
  result.latency_ms = Summarize(latency);
  result.users = order.size();
  return result;
}

Result<TagSearchResult> ReplayTagSearch(const Dataset& ds, double test_fraction, const ReplayOptions& options) {
  if (ds.tags.empty()) return Status::InvalidArgument("--protocol search-tags: the dataset has no tags (use ml-latest-small)");
  if (ds.sessions) return Status::InvalidArgument("--protocol search-tags: needs users, not sessions");
  std::vector<Dataset::Tag> tags = ds.tags;
  std::stable_sort(tags.begin(), tags.end(), [](const auto& a, const auto& b) { return a.timestamp_ms < b.timestamp_ms; });
  const size_t cut = static_cast<size_t>(static_cast<double>(tags.size()) * (1.0 - test_fraction));
  if (cut == 0 || cut >= tags.size()) return Status::InvalidArgument("--test-fraction: leaves no queries or no indexed tags");
  const int64_t split_ms = tags[cut].timestamp_ms;

  ReplayEngine replay;
  RECD_RETURN_IF_ERROR(replay.Open(options, /*exclude_seen=*/false));
  Engine& engine = replay.engine();
  // The catalog: titles, genres and the tags given before the split.
  std::vector<std::vector<std::string>> indexed(ds.items.size());
  for (const Dataset::Tag& t : tags) {
    if (t.timestamp_ms >= split_ms) break;
    std::vector<std::string>& mine = indexed[t.item];
    if (std::find(mine.begin(), mine.end(), t.tag) == mine.end()) mine.push_back(t.tag);
  }
  std::vector<Item> items;
  for (ItemIdx i = 0; i < ds.items.size(); ++i) {
    Item item;
    item.key = ds.items.Key(i);
    if (i < ds.item_titles.size()) item.title = ds.item_titles[i];
    if (i < ds.item_categories.size()) item.categories = ds.item_categories[i];
    std::string json = "{\"tags\":[";
    for (size_t k = 0; k < indexed[i].size(); ++k) json += (k ? "," : "") + JsonQuote(indexed[i][k]);
    item.properties_json = json + "]}";
    items.push_back(std::move(item));
  }
  RECD_RETURN_IF_ERROR(engine.UpsertItems(items));
  std::vector<Event> train, later;
  std::vector<Interaction> train_rows;
  for (const Interaction& r : ds.interactions) {
    (r.timestamp_ms < split_ms ? train : later).push_back(ToEvent(ds, r));
    if (r.timestamp_ms < split_ms) train_rows.push_back(r);
  }
  RECD_RETURN_IF_ERROR(replay.Load(std::move(train), options.eval.progress));
  std::stable_sort(later.begin(), later.end(), [](const Event& a, const Event& b) { return a.timestamp_ms < b.timestamp_ms; });

  // Queries: distinct (user, lower-cased tag) pairs of the test part, at their first use.
  struct Query {
    uint32_t user;
    std::string text;
    int64_t t_ms;
    std::vector<ItemIdx> relevant;
  };
  std::vector<Query> queries;
  std::map<std::pair<uint32_t, std::string>, size_t> index;
  for (size_t k = cut; k < tags.size(); ++k) {
    auto [it, fresh] = index.emplace(std::make_pair(tags[k].user, NormalizeQuery(tags[k].tag)), queries.size());
    if (fresh) queries.push_back({tags[k].user, tags[k].tag, tags[k].timestamp_ms, {}});
    queries[it->second].relevant.push_back(tags[k].item);
  }
  for (Query& q : queries) {
    std::sort(q.relevant.begin(), q.relevant.end());
    q.relevant.erase(std::unique(q.relevant.begin(), q.relevant.end()), q.relevant.end());
  }

  const CatalogStats stats = TrainingStats(ds, train_rows);
  const size_t max_k = *std::max_element(options.eval.ks.begin(), options.eval.ks.end());
  EvalOptions eval = options.eval;
  eval.ties = TieOrder::kIndex;
  MetricSums sums[2] = {MetricSums(eval, stats), MetricSums(eval, stats)};
  std::vector<double> latency[2];
  size_t next_event = 0;
  Progress progress("search: tag queries");
  for (size_t n = 0; n < queries.size(); ++n) {
    const Query& q = queries[n];
    std::vector<Event> batch;
    while (next_event < later.size() && later[next_event].timestamp_ms < q.t_ms) batch.push_back(later[next_event++]);
    for (const Status& st : engine.Ingest(std::move(batch))) RECD_RETURN_IF_ERROR(st);
    for (int personalized = 0; personalized < 2; ++personalized) {
      SearchRequest req;
      req.query = q.text;
      req.n = static_cast<int>(max_k);
      if (personalized) req.user_key = ds.users.Key(q.user);
      const int64_t t0 = MonotonicMicros();
      Result<std::vector<SearchHit>> hits = engine.Search(req);
      latency[personalized].push_back((MonotonicMicros() - t0) / 1000.0);
      if (!hits.ok() && !hits.status().IsInvalidArgument()) return hits.status();
      std::vector<Scored> ranked;
      if (hits.ok()) {
        for (const SearchHit& h : *hits) {
          if (std::optional<uint32_t> idx = ds.items.Find(h.item_key)) ranked.push_back({*idx, h.score});
        }
      }
      sums[personalized].Add(ranked, q.relevant, q.relevant);
    }
    if (options.eval.progress) progress.Update(n + 1, n + 1, queries.size());
  }
  if (options.eval.progress) progress.Finish(queries.size());
  TagSearchResult result;
  result.train_ratings = train_rows.size();
  result.test_tags = tags.size() - cut;
  result.rows.resize(2);
  for (int p = 0; p < 2; ++p) {
    result.rows[p].spec = p ? "search:personalized" : "search:plain";
    sums[p].Write(&result.rows[p].metrics);
    result.rows[p].latency_ms = Summarize(latency[p]);
    result.rows[p].users = queries.size();
  }
  return result;
}

Result<ModelResult> ReplaySessions(const Dataset& ds, const SessionSplit& split, const ReplayOptions& options) {
  ReplayEngine replay;
  RECD_RETURN_IF_ERROR(replay.Open(options, /*exclude_seen=*/false));
  auto view = [&](const Interaction& r) {
    Event e;
    e.session_key = split.session_keys[r.user];
    e.item_key = ds.items.Key(r.item);
    e.type = EventType::kView;
    e.timestamp_ms = std::max<int64_t>(r.timestamp_ms, 1);
    return e;
  };
  std::vector<Event> train;
  for (const Interaction& r : split.train) train.push_back(view(r));
  RECD_RETURN_IF_ERROR(replay.Load(std::move(train), options.eval.progress));
  Engine& engine = replay.engine();
  ModelResult result;
  replay.Describe(&result);

  // Every test event, in time order (sessions interleave), with its position in its session.
  struct Step {
    size_t session, pos;
  };
  std::vector<Step> steps;
  for (size_t s = 0; s < split.test_sessions.size(); ++s) {
    for (size_t p = 0; p < split.test_sessions[s].size(); ++p) steps.push_back({s, p});
  }
  std::stable_sort(steps.begin(), steps.end(), [&](const Step& a, const Step& b) {
    return split.test_sessions[a.session][a.pos].timestamp_ms < split.test_sessions[b.session][b.pos].timestamp_ms;
  });
  const size_t max_k = *std::max_element(options.eval.ks.begin(), options.eval.ks.end());
  EvalOptions eval = options.eval;
  eval.ties = TieOrder::kIndex;
  const CatalogStats stats = TrainingStats(ds, split.train);
  MetricSums sums(eval, stats);
  std::vector<double> latency;
  std::vector<ItemIdx> rest;
  size_t predictions = 0;
  for (const Step& step : steps) {
    const std::vector<Interaction>& session = split.test_sessions[step.session];
    if (step.pos > 0) {
      RecommendRequest req;
      req.session_key = split.session_keys[session[0].user];
      req.n = static_cast<int>(max_k);
      Result<std::vector<Scored>> scored = Ask(engine, ds, req, &latency);
      if (!scored.ok()) return scored.status();
      rest.clear();
      for (size_t r = step.pos; r < session.size(); ++r) rest.push_back(session[r].item);
      std::sort(rest.begin(), rest.end());
      rest.erase(std::unique(rest.begin(), rest.end()), rest.end());
      const ItemIdx next[] = {session[step.pos].item};
      sums.Add(*scored, rest, next);
      ++predictions;
    }
    for (const Status& st : engine.Ingest({view(session[step.pos])})) RECD_RETURN_IF_ERROR(st);
  }
  sums.Write(&result.metrics);
  result.latency_ms = Summarize(latency);
  result.users = predictions;
  return result;
}

}  // namespace recd
