// recd: the command-line entry point. Thin: it parses flags, builds Options through the config
// registry and calls the engine, the server or the importers.
//
//   recd serve      --data-dir DIR --listen HOST:PORT [--config FILE] [--set key=value]...
//   recd import     --data-dir DIR --format FORMAT PATH...
//   recd retrain    --data-dir DIR
//   recd recommend  --data-dir DIR --user USER [--session S] [--n N] [--category C]
//   recd demo-shop  --out DIR [--items N] [--users N] [--sessions N] [--seed S]
//   recd eval       --dataset NAME | --train FILE --test FILE  [--protocol P] --model SPEC... [--k 5,10,20]
//   recd config-reference
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "cli/demo_shop.h"
#include "cli/eval_command.h"
#include "cli/import.h"
#include "config/config.h"
#include "recd/engine.h"
#include "server/http_server.h"
#include "server/json_codec.h"
#include "server/routes.h"

namespace recd::cli {
namespace {

struct CommonFlags {
  std::string config_file;
  std::string data_dir;
  std::vector<std::string> sets;  // key=value
};

void AddCommon(CLI::App* cmd, CommonFlags* f) {
  cmd->add_option("--config", f->config_file, "TOML configuration file (docs/config.md)");
  cmd->add_option("--data-dir", f->data_dir, "data directory (storage.data_dir)");
  cmd->add_option("--set", f->sets, "override one configuration key: --set key=value");
}

// Defaults < file < environment < flags.
Status BuildOptions(const CommonFlags& f, Options* options) {
  if (!f.config_file.empty()) RECD_RETURN_IF_ERROR(LoadConfigFile(f.config_file, options));
  RECD_RETURN_IF_ERROR(ApplyEnvironment(options));
  for (const std::string& kv : f.sets) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument("--set " + kv + ": expected key=value");
    Status st = SetConfig(options, kv.substr(0, eq), kv.substr(eq + 1));
    if (!st.ok()) return Status::InvalidArgument("--set " + kv + ": " + st.message());
  }
  if (!f.data_dir.empty()) options->data_dir = f.data_dir;
  return Status::OK();
}

// The data, protocol, model and report flags of `eval` and `tune` (docs/evaluation.md).
void AddEvalFlags(CLI::App* cmd, EvalFlags* f, bool tuning) {
  cmd->add_option("--dataset", f->dataset, "ml-100k, ml-latest-small, amazon-mi or diginetica-sample");
  cmd->add_option("--data", f->data_dir, "folder holding the datasets")->capture_default_str();
  cmd->add_option("--train", f->train_file, "training CSV (with --test): a split made elsewhere");
  cmd->add_option("--test", f->test_file, "test CSV (with --train)");
  cmd->add_option("--columns", f->columns, "CSV column names: user=...,item=...,rating=...,timestamp=...,session=...");
  cmd->add_option("--protocol", f->protocol, "holdout, temporal, leave-last-out, strong, cold-items, cold-users, session or search-tags")->capture_default_str();
  cmd->add_option("--ratio", f->ratio, "holdout: training share of each group")->capture_default_str();
  cmd->add_option("--seed", f->seed, "NumPy RandomState seed of splits (and of random search)")->capture_default_str();
  cmd->add_option("--split-by", f->split_by, "holdout: group by user or item")->capture_default_str();
  cmd->add_option("--test-fraction", f->test_fraction, "temporal / search-tags: latest share held out")->capture_default_str();
  cmd->add_option("--split-time", f->split_time_ms, "temporal: test = interactions at or after this time (ms since epoch)");
  cmd->add_option("--heldout-users", f->heldout_users, "strong: share of users held out")->capture_default_str();
  cmd->add_option("--fold-in", f->fold_in, "strong: share of a held-out user's interactions given as history")->capture_default_str();
  cmd->add_option("--cold-fraction", f->cold_fraction, "cold-items / cold-users: share of the items / users held out entirely")->capture_default_str();
  cmd->add_option("--test-days", f->test_days, "session: test sessions end in the last N days")->capture_default_str();
  cmd->add_option("--session-gap-minutes", f->session_gap_minutes, "session: inactivity that cuts sessions")->capture_default_str();
  cmd->add_option("--min-session-length", f->min_session_length, "session: shorter sessions are dropped")->capture_default_str();
  cmd->add_option("--min-item-support", f->min_item_support, "session: items with fewer events are dropped")->capture_default_str();
  auto* model = cmd->add_option("--model", f->models, tuning ? "one spec with lists: 'itemknn(k=[50,100,200],shrink=[0,10])'"
                                                             : "model spec, repeatable: popularity, 'itemknn(k=200,shrink=10)'");
  if (tuning) model->required();
  cmd->add_option("--k", f->ks, "cut-offs")->capture_default_str();
  cmd->add_flag("--keep-seen", f->keep_seen, "do not mask the user's training items");
  cmd->add_option("--map-norm", f->map_norm, "MAP divides by |relevant| (relevant) or min(|relevant|,k) (min)")->capture_default_str();
  cmd->add_option("--recall-norm", f->recall_norm, "Recall divides by |relevant| (relevant) or min(|relevant|,k) (min)")->capture_default_str();
  cmd->add_option("--metrics", f->metrics, "report only these, comma-separated (default: all)");
  cmd->add_option("--ties", f->ties, "order of equal scores: index (smaller item index first) or pessimistic")->capture_default_str();
  cmd->add_option("--out", f->out_json, "write the JSON report here");
  cmd->add_option("--html", f->out_html, "write the HTML report here");
  cmd->add_flag("--quiet", f->quiet, "no progress bar");
  if (tuning) return;
  cmd->add_flag("--replay", f->replay, "also feed the test events in time order through the engine (serving path)");
  cmd->add_option("--set", f->engine_sets, "configuration of the replayed engine: --set key=value");
}

int Fail(const Status& st) {
  std::fprintf(stderr, "recd: %s\n", st.ToString().c_str());
  return st.IsInvalidArgument() ? 2 : 1;
}

Result<std::unique_ptr<Engine>> OpenEngine(const Options& options) {
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok() && engine.status().message().find("lock") != std::string::npos) {
    return Status::IOError(engine.status().message() +
                           " (is another recd process using this data directory?)");
  }
  return engine;
}

int Serve(const Options& options) {
  // Block the stop signals in every thread; this one waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Api api;
  HttpServer server([&api](const HttpRequest& req, HttpResponse& res) { api.Handle(req, res); },
                    Api::ServerOptions(options));
  Status st = server.Listen(options.listen);
  if (!st.ok()) return Fail(st);
  server.Start(options.http_threads);
  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  const std::string url = "http://" + host + ":" + std::to_string(server.port());
  spdlog::info("listening on {} (restoring state from {})", url, options.data_dir);

  Result<std::unique_ptr<Engine>> engine = OpenEngine(options);
  if (!engine.ok()) {
    server.Stop();
    return Fail(engine.status());
  }
  WebhookOptions webhook_options;
  webhook_options.max_attempts = options.webhook_max_attempts;
  webhook_options.retry_base_ms = static_cast<int64_t>(options.webhook_retry_base_seconds * 1000);
  webhook_options.timeout_ms = static_cast<int64_t>(options.webhook_timeout_seconds * 1000);
  webhook_options.ca_file = options.webhook_ca_file;
  Result<std::unique_ptr<Webhooks>> webhooks = Webhooks::Open(options.data_dir + "/webhooks", webhook_options);
  if (!webhooks.ok()) {
    server.Stop();
    return Fail(webhooks.status());
  }
  api.SetWebhooks(webhooks->get());
  api.SetEngine(engine->get());
  EngineStats stats = (*engine)->Stats();
  spdlog::info("ready: {} events, {} items, {} users; serving on {}", stats.events_total, stats.items,
               stats.users, url);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {} received, stopping", sig);
  server.Stop();
  return 0;
}

}  // namespace
}  // namespace recd::cli

int main(int argc, char** argv) {
  using namespace recd;
  using namespace recd::cli;
  // Logs go to stderr: stdout carries what commands print for scripts (JSON, tables).
  spdlog::set_default_logger(spdlog::stderr_color_mt("recd"));
  CLI::App app{"recd: a real-time recommendation engine for online shops"};
  app.require_subcommand(1);

  CommonFlags serve_flags;
  std::string listen;
  CLI::App* serve = app.add_subcommand("serve", "serve the HTTP API");
  AddCommon(serve, &serve_flags);
  serve->add_option("--listen", listen, "HOST:PORT (server.listen)");

  CommonFlags import_flags;
  std::string format;
  std::vector<std::string> paths;
  CLI::App* import = app.add_subcommand("import", "import events, a catalog or a dataset");
  AddCommon(import, &import_flags);
  import->add_option("--format", format, "input format")->required()->check(CLI::IsMember(ImportFormats()));
  import->add_option("paths", paths, "files or dataset directories")->required();

  CommonFlags retrain_flags;
  CLI::App* retrain = app.add_subcommand("retrain", "rebuild the model snapshot now");
  AddCommon(retrain, &retrain_flags);

  CommonFlags rec_flags;
  RecommendRequest rec;
  CLI::App* recommend = app.add_subcommand("recommend", "print one shopper's recommendations as JSON");
  AddCommon(recommend, &rec_flags);
  recommend->add_option("--user", rec.user_key, "user key");
  recommend->add_option("--session", rec.session_key, "session key");
  recommend->add_option("--n", rec.n, "list length")->check(CLI::Range(1, 100000));
  recommend->add_option("--category", rec.category, "category path filter");

  DemoShopOptions demo;
  std::string demo_out;
  CLI::App* demo_cmd = app.add_subcommand("demo-shop", "write a synthetic demo shop (catalog.jsonl, users.jsonl, events.jsonl)");
  demo_cmd->add_option("--out", demo_out, "output directory (must exist)")->required();
  demo_cmd->add_option("--items", demo.items, "catalog size")->check(CLI::Range(10, 10000000));
  demo_cmd->add_option("--users", demo.users, "registered shoppers")->check(CLI::Range(1, 10000000));
  demo_cmd->add_option("--sessions", demo.sessions, "browsing sessions")->check(CLI::Range(1, 100000000));
  demo_cmd->add_option("--seed", demo.seed, "random seed");

  EvalFlags eval;
  CLI::App* eval_cmd = app.add_subcommand("eval", "evaluate model specs offline on a dataset and protocol (docs/evaluation.md)");
  AddEvalFlags(eval_cmd, &eval, /*tuning=*/false);

  EvalFlags tune_eval;
  TuneFlags tune;
  CLI::App* tune_cmd = app.add_subcommand("tune", "search a spec's parameters on a validation split, then test the best");
  AddEvalFlags(tune_cmd, &tune_eval, /*tuning=*/true);
  tune_cmd->add_option("--metric", tune.metric, "metric to maximise, NAME@K")->capture_default_str();
  tune_cmd->add_option("--validation-ratio", tune.validation_ratio, "training share kept for training while tuning")->capture_default_str();
  tune_cmd->add_option("--random", tune.random, "evaluate N random grid points instead of all");

  CLI::App* reference = app.add_subcommand("config-reference", "print the configuration reference (Markdown)");

  CLI11_PARSE(app, argc, argv);

  if (reference->parsed()) {
    std::cout << ConfigReference();
    return 0;
  }
  if (tune_cmd->parsed()) {
    Status st = RunTune(tune_eval, tune);
    return st.ok() ? 0 : Fail(st);
  }
  if (eval_cmd->parsed()) {
    Status st = RunEval(eval);
    return st.ok() ? 0 : Fail(st);
  }
  if (demo_cmd->parsed()) {
    uint64_t written = 0;
    Status st = WriteDemoShop(demo, demo_out, &written);
    if (!st.ok()) return Fail(st);
    std::printf("wrote %s/catalog.jsonl (%d items), users.jsonl (%d users) and events.jsonl (%llu events)\n",
                demo_out.c_str(), demo.items, demo.users, static_cast<unsigned long long>(written));
    return 0;
  }

  const CommonFlags& flags = serve->parsed() ? serve_flags : import->parsed() ? import_flags
                             : retrain->parsed() ? retrain_flags : rec_flags;
  Options options;
  Status st = BuildOptions(flags, &options);
  if (!st.ok()) return Fail(st);
  if (serve->parsed()) {
    if (!listen.empty()) options.listen = listen;
    return Serve(options);
  }

  // One-shot commands: the trainer's schedule is not needed.
  options.retrain_interval_seconds = 0;
  Result<std::unique_ptr<Engine>> engine = OpenEngine(options);
  if (!engine.ok()) return Fail(engine.status());
  if (import->parsed()) {
    ImportStats stats;
    for (const std::string& path : paths) {
      st = Import(**engine, format, path, &stats);
      if (!st.ok()) return Fail(st);
    }
    std::printf("imported %llu events, %llu items and %llu users; %llu records rejected\n",
                static_cast<unsigned long long>(stats.events), static_cast<unsigned long long>(stats.items),
                static_cast<unsigned long long>(stats.users), static_cast<unsigned long long>(stats.rejected));
    if (stats.events == 0) return 0;  // the models learn from events only
    st = (*engine)->Retrain(/*wait=*/true);
    if (!st.ok()) return Fail(st);
    ModelInfo m = (*engine)->CurrentModel();
    std::printf("model v%llu %s trained in %lld ms\n", static_cast<unsigned long long>(m.version),
                m.spec.c_str(), static_cast<long long>(m.train_ms));
    return 0;
  }
  if (retrain->parsed()) {
    st = (*engine)->Retrain(/*wait=*/true);
    if (!st.ok()) return Fail(st);
    ModelInfo m = (*engine)->CurrentModel();
    std::printf("model v%llu %s: %llu items, %llu neighbour pairs from %llu events in %lld ms\n",
                static_cast<unsigned long long>(m.version), m.spec.c_str(),
                static_cast<unsigned long long>(m.items), static_cast<unsigned long long>(m.neighbor_pairs),
                static_cast<unsigned long long>(m.events_used), static_cast<long long>(m.train_ms));
    return 0;
  }
  Result<std::vector<Recommendation>> list = (*engine)->Recommend(rec);
  if (!list.ok()) return Fail(list.status());
  std::printf("%s\n", json::RecommendationsBody(*list, "").c_str());
  return 0;
}
