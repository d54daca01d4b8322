#include "cli/eval_command.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "data/dataset.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "config/config.h"
#include "eval/replay.h"
#include "eval/report.h"
#include "models/spec.h"

namespace recd::cli {

namespace {

Result<std::vector<size_t>> ParseKs(const std::string& text) {
  std::vector<size_t> ks;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    size_t k = 0;
    auto [p, ec] = std::from_chars(text.data() + start, text.data() + end, k);
    if (ec != std::errc() || p != text.data() + end || k == 0 || k > 10000) {
      return Status::InvalidArgument("--k: expected positive integers separated by commas, got '" + text + "'");
    }
    ks.push_back(k);
    start = end + 1;
  }
  return ks;
}

Status ParseColumns(const std::string& text, CsvColumns* columns) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string pair = text.substr(start, end - start);
    size_t eq = pair.find('=');
    std::string key = pair.substr(0, eq), value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    std::string* field = key == "user" ? &columns->user : key == "item" ? &columns->item
                         : key == "rating" ? &columns->rating : key == "timestamp" ? &columns->timestamp
                         : key == "session" ? &columns->session : nullptr;
    if (!field || value.empty()) {
      return Status::InvalidArgument("--columns: expected role=name pairs (roles user, session, item, rating, timestamp), got '" + pair + "'");
    }
    *field = value;
    start = end + 1;
  }
  return Status::OK();
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

// Every --model, lists expanded ("userknn(k=[20,50])" is two models).
Status EvaluateAll(const EvalFlags& f, EvalReport* report, const auto& evaluator) {
  for (const std::string& entry : f.models) {
    Result<std::vector<std::string>> specs = ExpandSpecGrid(entry);
    if (!specs.ok()) return specs.status();
    for (const std::string& spec : *specs) {
      Result<ModelResult> result = evaluator.Evaluate(spec);
      if (!result.ok()) return result.status();
      report->models.push_back(std::move(result).value());
    }
  }
  return Status::OK();
}

Status Publish(const EvalFlags& f, const EvalReport& report) {
  std::fputs(ReportMarkdown(report).c_str(), stdout);
  if (!f.out_json.empty()) RECD_RETURN_IF_ERROR(WriteFile(f.out_json, ReportJson(report)));
  if (!f.out_html.empty()) RECD_RETURN_IF_ERROR(WriteFile(f.out_html, ReportHtml(report)));
  return Status::OK();
}

EvalOptions Options(const EvalFlags& f, const std::vector<size_t>& ks) {
  EvalOptions options;
  options.ks = ks;
  options.keep_seen = f.keep_seen;
  options.map_norm = f.map_norm == "min" ? MapNormalization::kMinRelevantK : MapNormalization::kRelevant;
  options.ties = f.ties == "pessimistic" ? TieOrder::kPessimistic : TieOrder::kIndex;
  options.recall_norm = f.recall_norm == "min" ? RecallNormalization::kMinRelevantK : RecallNormalization::kRelevant;
  for (size_t start = 0; start < f.metrics.size();) {
    size_t end = std::min(f.metrics.find(',', start), f.metrics.size());
    if (end > start) options.metrics.push_back(f.metrics.substr(start, end - start));
    start = end + 1;
  }
  options.progress = !f.quiet;
  return options;
}

Result<ReplayOptions> MakeReplayOptions(const EvalFlags& f, const std::vector<size_t>& ks) {
  ReplayOptions replay;
  replay.eval = Options(f, ks);
  replay.engine.exploration_share = 0;  // the replay scores the models; --set may turn it back on
  for (const std::string& kv : f.engine_sets) {
    size_t eq = kv.find('=');
    Status st = eq == std::string::npos ? Status::InvalidArgument("expected key=value")
                                        : SetConfig(&replay.engine, kv.substr(0, eq), kv.substr(eq + 1));
    if (!st.ok()) return Status::InvalidArgument("--set " + kv + ": " + st.message());
  }
  return replay;
}

Status RunSessionEval(const EvalFlags& f, const Dataset& dataset, EvalReport report) {
  SessionSplit split = SessionRecSplit(dataset, f.test_days, int64_t{f.session_gap_minutes} * 60 * 1000,
                                       f.min_session_length, f.min_item_support);
  report.protocol = {{"name", "session"}, {"test_days", std::to_string(f.test_days)},
                     {"session_gap_minutes", std::to_string(f.session_gap_minutes)},
                     {"min_session_length", std::to_string(f.min_session_length)},
                     {"min_item_support", std::to_string(f.min_item_support)}, {"ties", f.ties}};
  SessionEvaluator evaluator(dataset, split, Options(f, report.ks));
  report.train_interactions = split.train.size();
  for (const auto& s : split.test_sessions) report.test_interactions += s.size();
  report.users = evaluator.num_predictions();
  report.evaluated = "predictions";
  report.items = evaluator.num_items();
  RECD_RETURN_IF_ERROR(EvaluateAll(f, &report, evaluator));
  if (f.replay) {
    Result<ReplayOptions> replay = MakeReplayOptions(f, report.ks);
    if (!replay.ok()) return replay.status();
    Result<ModelResult> result = ReplaySessions(dataset, split, *replay);
    if (!result.ok()) return result.status();
    report.models.push_back(std::move(result).value());
    report.protocol.emplace_back("replay", "true");
  }
  return Publish(f, report);
}

// Applies the row-level protocol of `f` (holdout, temporal, leave-last-out, strong) to `rows`.
// `protocol` gets the name and parameters for the report.
Status SplitRows(const EvalFlags& f, const Dataset& dataset, const std::vector<Interaction>& rows, Split* split,
                 std::vector<std::pair<std::string, std::string>>* protocol) {
  if (f.protocol == "holdout") {
    if (!(f.ratio > 0 && f.ratio < 1)) return Status::InvalidArgument("--ratio: must be between 0 and 1");
    if (f.split_by != "user" && f.split_by != "item") return Status::InvalidArgument("--split-by: user or item");
    *split = StratifiedSplit(rows, f.ratio, f.seed, f.split_by == "item");
    *protocol = {{"name", "holdout"}, {"ratio", Num(f.ratio)}, {"seed", std::to_string(f.seed)}, {"split_by", f.split_by}};
  } else if (f.protocol == "temporal" && f.split_time_ms > 0) {
    *split = TemporalSplitAt(rows, f.split_time_ms);
    *protocol = {{"name", "temporal"}, {"split_time_ms", std::to_string(f.split_time_ms)}};
  } else if (f.protocol == "temporal") {
    if (!(f.test_fraction > 0 && f.test_fraction < 1)) return Status::InvalidArgument("--test-fraction: must be between 0 and 1");
    *split = TemporalSplit(rows, f.test_fraction);
    *protocol = {{"name", "temporal"}, {"test_fraction", Num(f.test_fraction)}};
  } else if (f.protocol == "leave-last-out") {
    *split = LeaveLastOut(rows);
    *protocol = {{"name", "leave-last-out"}};
  } else if (f.protocol == "strong") {
    if (!(f.heldout_users > 0 && f.heldout_users < 1) || !(f.fold_in > 0 && f.fold_in < 1)) {
      return Status::InvalidArgument("--heldout-users and --fold-in: must be between 0 and 1");
    }
    *split = StrongGeneralizationSplit(rows, f.heldout_users, f.fold_in, f.seed);
    *protocol = {{"name", "strong"}, {"heldout_users", Num(f.heldout_users)}, {"fold_in", Num(f.fold_in)},
                 {"seed", std::to_string(f.seed)}};
  } else if (f.protocol == "cold-items") {
    if (!(f.cold_fraction > 0 && f.cold_fraction < 1)) return Status::InvalidArgument("--cold-fraction: must be between 0 and 1");
    *split = ColdItemSplit(rows, dataset.items.size(), f.cold_fraction, f.seed);
    *protocol = {{"name", "cold-items"}, {"cold_fraction", Num(f.cold_fraction)}, {"seed", std::to_string(f.seed)}};
  } else if (f.protocol == "cold-users") {
    if (!(f.cold_fraction > 0 && f.cold_fraction < 1)) return Status::InvalidArgument("--cold-fraction: must be between 0 and 1");
    *split = ColdUserSplit(rows, dataset.users.size(), f.cold_fraction, f.seed);
    *protocol = {{"name", "cold-users"}, {"cold_fraction", Num(f.cold_fraction)}, {"seed", std::to_string(f.seed)}};
  } else {
    return Status::InvalidArgument("--protocol: '" + f.protocol +
                                   "' is not offered (holdout, temporal, leave-last-out, strong, cold-items, cold-users, session, search-tags)");
  }
  return Status::OK();
}

Status CheckFlags(const EvalFlags& f, EvalReport* report) {
  Result<std::vector<size_t>> ks = ParseKs(f.ks);
  if (!ks.ok()) return ks.status();
  report->ks = *ks;
  if (f.map_norm != "relevant" && f.map_norm != "min") return Status::InvalidArgument("--map-norm: relevant or min");
  if (f.ties != "index" && f.ties != "pessimistic") return Status::InvalidArgument("--ties: index or pessimistic");
  if (f.recall_norm != "relevant" && f.recall_norm != "min") return Status::InvalidArgument("--recall-norm: relevant or min");
  static const char* kNames[] = {"hit_rate", "precision", "recall", "ndcg", "mrr", "map",
                                 "coverage", "diversity", "novelty", "popularity"};
  for (size_t start = 0; start < f.metrics.size();) {
    size_t end = std::min(f.metrics.find(',', start), f.metrics.size());
    const std::string name = f.metrics.substr(start, end - start);
    if (std::find(std::begin(kNames), std::end(kNames), name) == std::end(kNames)) {
      return Status::InvalidArgument("--metrics: unknown metric '" + name +
                                     "' (hit_rate, precision, recall, ndcg, mrr, map, coverage, diversity, novelty, popularity)");
    }
    start = end + 1;
  }
  if (f.test_days < 1 || f.session_gap_minutes < 1 || f.min_session_length < 1 || f.min_item_support < 1) {
    return Status::InvalidArgument(
        "--test-days, --session-gap-minutes, --min-session-length and --min-item-support: must be at least 1");
  }
  return Status::OK();
}

// Loads the data named by the flags; a given train/test pair fills `split` directly.
Status Load(const EvalFlags& f, Dataset* dataset, Split* split, bool* given, EvalReport* report) {
  *given = !f.train_file.empty() || !f.test_file.empty();
  if (*given) {
    if (f.train_file.empty() || f.test_file.empty() || !f.dataset.empty()) {
      return Status::InvalidArgument("give either --dataset, or both --train and --test");
    }
    CsvColumns columns;
    RECD_RETURN_IF_ERROR(ParseColumns(f.columns, &columns));
    RECD_RETURN_IF_ERROR(AppendCsv(f.train_file, columns, dataset, &split->train));
    RECD_RETURN_IF_ERROR(AppendCsv(f.test_file, columns, dataset, &split->test));
    report->dataset = f.train_file + " + " + f.test_file;
    report->protocol = {{"name", "given"}};
    return Status::OK();
  }
  if (f.dataset.empty()) return Status::InvalidArgument("give --dataset NAME, or --train FILE --test FILE");
  Result<Dataset> loaded = LoadNamedDataset(f.dataset, f.data_dir);
  if (!loaded.ok()) return loaded.status();
  *dataset = std::move(loaded).value();
  report->dataset = f.dataset;
  return Status::OK();
}

void DescribeOffline(const EvalFlags& f, const Split& split, const OfflineEvaluator& evaluator, EvalReport* report) {
  report->protocol.emplace_back("keep_seen", f.keep_seen ? "true" : "false");
  report->protocol.emplace_back("map_norm", f.map_norm);
  report->protocol.emplace_back("recall_norm", f.recall_norm);
  report->protocol.emplace_back("ties", f.ties);
  report->train_interactions = split.train.size();
  report->test_interactions = split.test.size();
  report->users = evaluator.num_users();
  report->items = evaluator.num_items();
}

// Search on tags: no --model; the engine's search, plain and personalized (replay.h).
Status RunTagSearchEval(const EvalFlags& f, const Dataset& dataset, EvalReport report) {
  if (f.models != EvalFlags().models) {
    return Status::InvalidArgument("--protocol search-tags: evaluates the engine's search; drop --model");
  }
  Result<ReplayOptions> replay = MakeReplayOptions(f, report.ks);
  if (!replay.ok()) return replay.status();
  Result<TagSearchResult> result = ReplayTagSearch(dataset, f.test_fraction, *replay);
  if (!result.ok()) return result.status();
  report.protocol = {{"name", "search-tags"}, {"test_fraction", Num(f.test_fraction)}};
  report.users = result->rows.front().users;
  report.evaluated = "queries";
  report.items = dataset.items.size();
  report.train_interactions = result->train_ratings;
  report.test_interactions = result->test_tags;
  for (ModelResult& r : result->rows) report.models.push_back(std::move(r));
  return Publish(f, report);
}

Status ReplayInto(const EvalFlags& f, const Dataset& dataset, const Split& split, EvalReport* report) {
  Result<ReplayOptions> replay = MakeReplayOptions(f, report->ks);
  if (!replay.ok()) return replay.status();
  Result<ModelResult> result = Replay(dataset, split, *replay);
  if (!result.ok()) return result.status();
  report->models.push_back(std::move(result).value());
  report->protocol.emplace_back("replay", "true");
  return Status::OK();
}

}  // namespace

Status RunEval(const EvalFlags& f) {
  EvalReport report;
  RECD_RETURN_IF_ERROR(CheckFlags(f, &report));
  Dataset dataset;
  Split split;
  bool given = false;
  RECD_RETURN_IF_ERROR(Load(f, &dataset, &split, &given, &report));
  if (given && f.protocol == "session") {
    return Status::InvalidArgument("--protocol session: splits sessions itself; give --dataset, not --train/--test");
  }
  if (!given && f.protocol == "session") return RunSessionEval(f, dataset, std::move(report));
  if (f.protocol == "search-tags") return RunTagSearchEval(f, dataset, std::move(report));
  if (!given) RECD_RETURN_IF_ERROR(SplitRows(f, dataset, dataset.interactions, &split, &report.protocol));
  OfflineEvaluator evaluator(dataset, split, Options(f, report.ks));
  DescribeOffline(f, split, evaluator, &report);
  RECD_RETURN_IF_ERROR(EvaluateAll(f, &report, evaluator));
  if (f.replay) RECD_RETURN_IF_ERROR(ReplayInto(f, dataset, split, &report));
  return Publish(f, report);
}

Status RunTune(const EvalFlags& f, const TuneFlags& t) {
  EvalReport report;
  RECD_RETURN_IF_ERROR(CheckFlags(f, &report));
  if (f.models.size() != 1) return Status::InvalidArgument("--model: tune takes one spec with [a,b,...] lists");
  if (f.protocol == "session") return Status::InvalidArgument("--protocol session: not offered by tune yet");
  Result<std::vector<std::string>> grid = ExpandSpecGrid(f.models[0]);
  if (!grid.ok()) return grid.status();
  std::vector<std::string> trials = *grid;
  if (t.random > 0 && static_cast<size_t>(t.random) < trials.size()) {
    std::vector<uint32_t> perm = NumpyPermutation(static_cast<uint32_t>(trials.size()), f.seed);
    std::vector<std::string> sampled;
    for (int k = 0; k < t.random; ++k) sampled.push_back(trials[perm[k]]);
    trials = std::move(sampled);
  }
  Dataset dataset;
  Split split;
  bool given = false;
  RECD_RETURN_IF_ERROR(Load(f, &dataset, &split, &given, &report));
  if (!given) RECD_RETURN_IF_ERROR(SplitRows(f, dataset, dataset.interactions, &split, &report.protocol));
  // The validation split is carved from the training part with the same protocol (a given
  // split is carved like a per-user holdout), so the test part is never looked at while tuning.
  EvalFlags inner = f;
  if (given) inner.protocol = "holdout";
  inner.ratio = t.validation_ratio;
  inner.test_fraction = 1.0 - t.validation_ratio;
  Split validation;
  std::vector<std::pair<std::string, std::string>> ignored;
  RECD_RETURN_IF_ERROR(SplitRows(inner, dataset, split.train, &validation, &ignored));
  EvalOptions options = Options(f, report.ks);
  OfflineEvaluator validator(dataset, validation, options);
  if (std::find_if(report.ks.begin(), report.ks.end(), [&](size_t k) {
        return t.metric.size() > 1 && t.metric.substr(t.metric.find('@') + 1) == std::to_string(k);
      }) == report.ks.end() || t.metric.find('@') == std::string::npos) {
    return Status::InvalidArgument("--metric: expected NAME@K with K among --k, got '" + t.metric + "'");
  }
  std::printf("tuning on a validation split of the training part (%zu train / %zu validation interactions), by %s\n\n",
              validation.train.size(), validation.test.size(), t.metric.c_str());
  std::printf("| trial | spec | %s |\n|---:|---|---:|\n", t.metric.c_str());
  std::string best_spec;
  double best = -1;
  for (size_t n = 0; n < trials.size(); ++n) {
    Result<ModelResult> r = validator.Evaluate(trials[n]);
    if (!r.ok()) return r.status();
    auto it = r->metrics.find(t.metric);
    if (it == r->metrics.end()) return Status::InvalidArgument("--metric: unknown metric '" + t.metric + "'");
    std::printf("| %zu | `%s` | %.4f |\n", n + 1, r->spec.c_str(), it->second);
    std::fflush(stdout);
    if (it->second > best) {
      best = it->second;
      best_spec = trials[n];
    }
  }
  std::printf("\nbest on validation: %s (%s %.4f); final run on the test split:\n\n", best_spec.c_str(), t.metric.c_str(), best);
  OfflineEvaluator evaluator(dataset, split, options);
  DescribeOffline(f, split, evaluator, &report);
  report.protocol.emplace_back("tuned_by", t.metric);
  report.protocol.emplace_back("validation_ratio", Num(t.validation_ratio));
  report.protocol.emplace_back("trials", std::to_string(trials.size()));
  Result<ModelResult> final_result = evaluator.Evaluate(best_spec);
  if (!final_result.ok()) return final_result.status();
  report.models.push_back(std::move(final_result).value());
  return Publish(f, report);
}

}  // namespace recd::cli
