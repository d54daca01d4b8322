// EvalReport: what `recd eval` writes. The JSON keys ("models", "spec", "metrics" with names like
// "ndcg@10", "latency_ms") are an interface scripts rely on; keep them stable.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "eval/evaluator.h"
#include "recd/status.h"

namespace recd {

struct EvalReport {
  std::string dataset;
  std::vector<std::pair<std::string, std::string>> protocol;  // name first, then its parameters
  size_t train_interactions = 0, test_interactions = 0, users = 0, items = 0;
  std::string evaluated = "users evaluated";  // what `users` counts ("predictions" for sessions)
  std::vector<size_t> ks;
  std::vector<ModelResult> models;
};

std::string ReportJson(const EvalReport& report);
// One Markdown table per k: accuracy, beyond-accuracy and latency per model.
std::string ReportMarkdown(const EvalReport& report);
// A self-contained HTML page (inline SVG, no network): metric vs k per model, latency, coverage
// and popularity.
std::string ReportHtml(const EvalReport& report);
// Writes `text` to `path`; IOError naming the path.
Status WriteFile(const std::string& path, const std::string& text);

}  // namespace recd
