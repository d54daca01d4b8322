#include "cli/eval_command.h"

#include <charconv>
#include <cstdio>

#include "data/dataset.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "config/config.h"
#include "eval/replay.h"
#include "eval/report.h"

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

Status EvaluateAll(const EvalFlags& f, EvalReport* report, const auto& evaluator) {
  for (const std::string& spec : f.models) {
    Result<ModelResult> result = evaluator.Evaluate(spec);
    if (!result.ok()) return result.status();
    report->models.push_back(std::move(result).value());
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
  options.progress = !f.quiet;
  return options;
}

Status RunSessionEval(const EvalFlags& f, const Dataset& dataset, EvalReport report) {
  SessionSplit split = SessionRecSplit(dataset, f.test_days, int64_t{f.session_gap_minutes} * 60 * 1000);
  report.protocol = {{"name", "session"}, {"test_days", std::to_string(f.test_days)},
                     {"session_gap_minutes", std::to_string(f.session_gap_minutes)}, {"ties", f.ties}};
  SessionEvaluator evaluator(dataset, split, Options(f, report.ks));
  report.train_interactions = split.train.size();
  for (const auto& s : split.test_sessions) report.test_interactions += s.size();
  report.users = evaluator.num_predictions();
  report.items = evaluator.num_items();
  RECD_RETURN_IF_ERROR(EvaluateAll(f, &report, evaluator));
  return Publish(f, report);
}

}  // namespace

Status RunEval(const EvalFlags& f) {
  Result<std::vector<size_t>> ks = ParseKs(f.ks);
  if (!ks.ok()) return ks.status();
  if (f.map_norm != "relevant" && f.map_norm != "min") return Status::InvalidArgument("--map-norm: relevant or min");
  if (f.ties != "index" && f.ties != "pessimistic") return Status::InvalidArgument("--ties: index or pessimistic");
  EvalReport report;
  report.ks = *ks;
  Dataset dataset;
  Split split;
  if (!f.train_file.empty() || !f.test_file.empty()) {
    if (f.train_file.empty() || f.test_file.empty() || !f.dataset.empty()) {
      return Status::InvalidArgument("give either --dataset, or both --train and --test");
    }
    CsvColumns columns;
    RECD_RETURN_IF_ERROR(ParseColumns(f.columns, &columns));
    RECD_RETURN_IF_ERROR(AppendCsv(f.train_file, columns, &dataset, &split.train));
    RECD_RETURN_IF_ERROR(AppendCsv(f.test_file, columns, &dataset, &split.test));
    report.dataset = f.train_file + " + " + f.test_file;
    report.protocol = {{"name", "given"}};
  } else {
    if (f.dataset.empty()) return Status::InvalidArgument("give --dataset NAME, or --train FILE --test FILE");
    Result<Dataset> loaded = LoadNamedDataset(f.dataset, f.data_dir);
    if (!loaded.ok()) return loaded.status();
    dataset = std::move(loaded).value();
    report.dataset = f.dataset;
    if (f.protocol == "holdout") {
      if (!(f.ratio > 0 && f.ratio < 1)) return Status::InvalidArgument("--ratio: must be between 0 and 1");
      if (f.split_by != "user" && f.split_by != "item") return Status::InvalidArgument("--split-by: user or item");
      split = StratifiedSplit(dataset.interactions, f.ratio, f.seed, f.split_by == "item");
      report.protocol = {{"name", "holdout"}, {"ratio", Num(f.ratio)}, {"seed", std::to_string(f.seed)}, {"split_by", f.split_by}};
    } else if (f.protocol == "temporal") {
      if (!(f.test_fraction > 0 && f.test_fraction < 1)) {
        return Status::InvalidArgument("--test-fraction: must be between 0 and 1");
      }
      split = TemporalSplit(dataset.interactions, f.test_fraction);
      report.protocol = {{"name", "temporal"}, {"test_fraction", Num(f.test_fraction)}};
    } else if (f.protocol == "leave-last-out") {
      split = LeaveLastOut(dataset.interactions);
      report.protocol = {{"name", "leave-last-out"}};
    } else if (f.protocol == "strong") {
      if (!(f.heldout_users > 0 && f.heldout_users < 1) || !(f.fold_in > 0 && f.fold_in < 1)) {
        return Status::InvalidArgument("--heldout-users and --fold-in: must be between 0 and 1");
      }
      split = StrongGeneralizationSplit(dataset.interactions, f.heldout_users, f.fold_in, f.seed);
      report.protocol = {{"name", "strong"}, {"heldout_users", Num(f.heldout_users)}, {"fold_in", Num(f.fold_in)},
                         {"seed", std::to_string(f.seed)}};
    } else if (f.protocol == "session") {
      if (f.replay) return Status::InvalidArgument("--replay: not offered with --protocol session yet");
      if (f.test_days < 1 || f.session_gap_minutes < 1) {
        return Status::InvalidArgument("--test-days and --session-gap-minutes: must be at least 1");
      }
      return RunSessionEval(f, dataset, std::move(report));
    } else {
      return Status::InvalidArgument("--protocol: '" + f.protocol +
                                     "' is not offered (holdout, temporal, leave-last-out, strong, session)");
    }
  }
  report.protocol.emplace_back("keep_seen", f.keep_seen ? "true" : "false");
  report.protocol.emplace_back("map_norm", f.map_norm);
  report.protocol.emplace_back("ties", f.ties);
  OfflineEvaluator evaluator(dataset, split, Options(f, report.ks));
  report.train_interactions = split.train.size();
  report.test_interactions = split.test.size();
  report.users = evaluator.num_users();
  report.items = evaluator.num_items();
  RECD_RETURN_IF_ERROR(EvaluateAll(f, &report, evaluator));
  if (f.replay) {
    ReplayOptions replay;
    replay.eval = Options(f, report.ks);
    for (const std::string& kv : f.engine_sets) {
      size_t eq = kv.find('=');
      Status st = eq == std::string::npos ? Status::InvalidArgument("expected key=value")
                                          : SetConfig(&replay.engine, kv.substr(0, eq), kv.substr(eq + 1));
      if (!st.ok()) return Status::InvalidArgument("--set " + kv + ": " + st.message());
    }
    Result<ModelResult> result = Replay(dataset, split, replay);
    if (!result.ok()) return result.status();
    report.models.push_back(std::move(result).value());
    report.protocol.emplace_back("replay", "true");
  }
  return Publish(f, report);
}

}  // namespace recd::cli
