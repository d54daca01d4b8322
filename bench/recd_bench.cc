// recd_bench: end-to-end figures for docs/performance.md. Not a test: it asserts nothing and
// its numbers depend on the machine and its neighbours, so every HTTP figure is paired with a
// hello-world Beast handler measured in the same run and reported as a ratio.
//
//   recd_bench [--seconds S] [--out bench/results/recd_bench.json] [--only PHASE]
//
// Phases (each bounded by --seconds):
//   train           seconds to train each model family on ML-100k (../shared/data)
//   sessions        VMIS-kNN prediction latency on synthetic logs of 1M and 10M events
//   ingest/engine   durable Engine::Ingest (WAL synced per call), batch sizes 1, 100, 1000
//   ingest/http     POST /v1/events: single events from 32 connections (group commit), and JSON
//                   arrays of 100 and 1000 events from 4 connections
//   recommend       Engine::Recommend on the demo shop, one thread: p50/p99/p999 and req/s, for
//                   known shoppers and for shoppers with no history (trending)
//   explore         n=20 lists with exploration off and on (one place; content look-alikes)
//   swap            the same at rest and while snapshots are rebuilt and swapped back to back
//   search          keyword search on the demo shop, anonymous and personalized
//   http            GET /v1/users/{u}/recommendations vs a hello-world handler (2 KB body)
//   scale           recommend on a demo shop of 100,000 items, shoppers with and without history
//   push            SSE: a view sent -> the fresh list received on the shopper's stream (p50/p99),
//                   and 9,000 idle streams held with the server's memory per stream
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "cli/demo_shop.h"
#include "cli/import.h"
#include "core/clock.h"
#include "data/dataset.h"
#include "data/split.h"
#include "data/synthetic.h"
#include "eval/evaluator.h"
#include "models/model.h"
#include "server/http_client.h"
#include "server/http_server.h"
#include "server/routes.h"

namespace recd {
namespace {

// A scratch directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "recd-bench-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::unique_ptr<Engine> OpenEngine(const std::string& dir, double exploration_share = Options().exploration_share) {
  Options options;
  options.data_dir = dir;
  options.exploration_share = exploration_share;
  options.retrain_interval_seconds = 0;
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "recd_bench: %s\n", engine.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(engine).value();
}

struct Row {
  std::string name;
  double per_second = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0;
  std::string unit = "ops/s";
  std::string note;
};

std::vector<Row> rows;

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

Row Summarize(std::string name, std::vector<double> latencies_us, double ops, double seconds, std::string unit) {
  Row r;
  r.name = std::move(name);
  r.per_second = ops / seconds;
  r.unit = std::move(unit);
  r.p50_us = Percentile(latencies_us, 0.50);
  r.p99_us = Percentile(latencies_us, 0.99);
  r.p999_us = Percentile(latencies_us, 0.999);
  return r;
}

void Print(const Row& r) {
  const int decimals = r.unit == "s" ? 3 : 0;
  std::printf("%-56s %12.*f %-9s p50 %8.1f us  p99 %8.1f us  p999 %8.1f us  %s\n", r.name.c_str(), decimals,
              r.per_second, r.unit.c_str(), r.p50_us, r.p99_us, r.p999_us, r.note.c_str());
  std::fflush(stdout);
}

std::vector<Event> SyntheticEvents(size_t n, std::mt19937_64& rng) {
  static const EventType types[] = {EventType::kView, EventType::kView, EventType::kView, EventType::kClick,
                                    EventType::kAddToCart, EventType::kPurchase};
  std::vector<Event> events(n);
  for (Event& e : events) {
    e.user_key = fmt::format("u-{:04d}", rng() % 1500);
    e.item_key = fmt::format("sku-{:05d}", rng() % 3000);
    e.type = types[rng() % std::size(types)];
  }
  return events;
}

std::string EventsJson(const std::vector<Event>& events) {
  std::string body = "[";
  for (size_t i = 0; i < events.size(); ++i) {
    body += fmt::format("{}{{\"user\":\"{}\",\"item\":\"{}\",\"type\":\"{}\"}}", i ? "," : "", events[i].user_key,
                        events[i].item_key, EventTypeName(events[i].type));
  }
  return body + "]";
}

void BenchEngineIngest(double seconds) {
  for (size_t batch : {size_t{1}, size_t{100}, size_t{1000}}) {
    TempDir dir;
    auto engine = OpenEngine(dir.path());
    std::mt19937_64 rng(batch);
    std::vector<double> lat;
    uint64_t events = 0;
    const int64_t start = MonotonicMicros();
    while (MonotonicMicros() - start < seconds * 1e6) {
      std::vector<Event> evs = SyntheticEvents(batch, rng);
      int64_t t0 = MonotonicMicros();
      for (const Status& st : engine->Ingest(std::move(evs))) events += st.ok();
      lat.push_back(MonotonicMicros() - t0);
    }
    Row r = Summarize(fmt::format("ingest/engine batch={} (synced)", batch), lat, events,
                      (MonotonicMicros() - start) / 1e6, "events/s");
    r.note = "latency per synced batch";
    Print(r);
    rows.push_back(r);
  }
}

// Runs `connections` client threads for `seconds`, each calling fn(client, rng) in a loop.
Row LoadHttp(const std::string& name, uint16_t port, int connections, double seconds, double ops_per_call,
             const std::function<std::pair<std::string, std::string>(std::mt19937_64&)>& make_request,
             const std::string& unit) {
  std::vector<std::vector<double>> lat(connections);
  std::atomic<uint64_t> calls{0}, failures{0};
  const int64_t start = MonotonicMicros();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      HttpClient client("127.0.0.1", port);
      std::mt19937_64 rng(c + 1);
      while (MonotonicMicros() - start < seconds * 1e6) {
        auto [target, body] = make_request(rng);
        int64_t t0 = MonotonicMicros();
        auto r = body.empty() ? client.Get(target) : client.Post(target, body);
        lat[c].push_back(MonotonicMicros() - t0);
        if (!r.ok() || r->status != 200) ++failures;
        ++calls;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  Row r = Summarize(name, all, calls * ops_per_call, (MonotonicMicros() - start) / 1e6, unit);
  if (failures) r.note = fmt::format("{} failed requests", failures.load());
  return r;
}

void BenchHttpIngest(double seconds) {
  TempDir dir;
  auto engine = OpenEngine(dir.path());
  Api api;
  api.SetEngine(engine.get());
  HttpServer server([&](const HttpRequest& q, HttpResponse& r) { api.Handle(q, r); }, Api::ServerOptions(engine->options()));
  if (!server.Listen("127.0.0.1:0").ok()) return;
  server.Start(2);
  const std::pair<size_t, int> shapes[] = {{1, 32}, {100, 4}, {1000, 4}};  // events per POST, connections
  for (auto [batch, connections] : shapes) {
    // Bodies are prepared up front so the clients spend their time sending.
    std::mt19937_64 rng(7);
    std::vector<std::string> bodies;
    for (int i = 0; i < 64; ++i) bodies.push_back(EventsJson(SyntheticEvents(batch, rng)));
    Row r = LoadHttp(fmt::format("ingest/http batch={} (synced), {} conns", batch, connections), server.port(),
                     connections, seconds,
                     static_cast<double>(batch),
                     [&](std::mt19937_64& g) { return std::make_pair(std::string("/v1/events"), bodies[g() % bodies.size()]); },
                     "events/s");
    r.note = r.note.empty() ? "latency per batch" : r.note;
    Print(r);
    rows.push_back(r);
  }
  server.Stop();
}

// Engine::Recommend for the demo shop's shoppers (`user_format` of a number below 1500).
Row BenchRecommend(Engine& engine, double seconds, int list_length = 10, const std::string& label = "",
                   const char* user_format = "u-{:04d}") {
  std::mt19937_64 rng(3);
  std::vector<double> lat;
  const int64_t start = MonotonicMicros();
  uint64_t n = 0;
  while (MonotonicMicros() - start < seconds * 1e6) {
    RecommendRequest req;
    req.user_key = fmt::format(fmt::runtime(user_format), rng() % 1500);
    req.n = list_length;
    int64_t t0 = MonotonicMicros();
    auto list = engine.Recommend(req);
    lat.push_back(MonotonicMicros() - t0);
    n += list.ok();
  }
  return Summarize(fmt::format("recommend/engine n={}, 1 thread{}", list_length, label), lat, n,
                   (MonotonicMicros() - start) / 1e6, "req/s");
}

// Recommendation latency while the trainer rebuilds and swaps the snapshot again and again,
// next to the same loop at rest: serving must not pause for training.
void BenchDuringRetrain(Engine& engine, double seconds) {
  auto measure = [&](const std::string& name) {
    std::mt19937_64 rng(5);
    std::vector<double> lat;
    const int64_t start = MonotonicMicros();
    while (MonotonicMicros() - start < seconds * 1e6) {
      RecommendRequest req;
      req.user_key = fmt::format("u-{:04d}", rng() % 1500);
      const int64_t t0 = MonotonicMicros();
      (void)engine.Recommend(req);
      lat.push_back(MonotonicMicros() - t0);
    }
    Row r = Summarize(name, lat, static_cast<double>(lat.size()), (MonotonicMicros() - start) / 1e6, "req/s");
    return r;
  };
  Row rest = measure("recommend/engine at rest");
  std::atomic<bool> stop{false};
  std::atomic<int> swaps{0};
  std::thread trainer([&] {
    while (!stop) {
      if (engine.Retrain(/*wait=*/true).ok()) ++swaps;
    }
  });
  Row busy = measure("recommend/engine during retrains");
  stop = true;
  trainer.join();
  busy.note = fmt::format("{} snapshots built and swapped meanwhile; p99 {:.2f}x at rest", swaps.load(),
                          busy.p99_us / std::max(1.0, rest.p99_us));
  Print(rest);
  Print(busy);
  rows.push_back(rest);
  rows.push_back(busy);
}

// Search latency on the demo shop: one-word queries drawn from the catalog's title words, for a
// known shopper (personalized) and anonymously.
void BenchSearch(Engine& engine, double seconds, const std::string& label, std::span<const char* const> words,
                 const std::string& user_format, int users) {
  for (bool personal : {false, true}) {
    std::mt19937_64 rng(17);
    std::vector<double> lat;
    const int64_t start = MonotonicMicros();
    while (MonotonicMicros() - start < seconds * 1e6) {
      SearchRequest req;
      req.query = words[rng() % words.size()];
      if (personal) req.user_key = fmt::vformat(user_format, fmt::make_format_args(rng() % users));
      req.n = 10;
      const int64_t t0 = MonotonicMicros();
      (void)engine.Search(req);
      lat.push_back(MonotonicMicros() - t0);
    }
    Row r = Summarize(fmt::format("search/engine {} n=10, {}", label, personal ? "personalized" : "anonymous"), lat,
                      static_cast<double>(lat.size()), (MonotonicMicros() - start) / 1e6, "req/s");
    Print(r);
    rows.push_back(r);
  }
}

void BenchHttpRecommend(Engine& engine, double seconds) {
  Api api;
  api.SetEngine(&engine);
  HttpServer server([&](const HttpRequest& q, HttpResponse& r) { api.Handle(q, r); }, Api::ServerOptions(engine.options()));
  const std::string hello_body(2048, 'x');
  HttpServer hello([&](const HttpRequest&, HttpResponse& r) { r.content_type = "text/plain"; r.body = hello_body; },
                   HttpServerOptions());
  if (!server.Listen("127.0.0.1:0").ok() || !hello.Listen("127.0.0.1:0").ok()) return;
  server.Start(2);
  hello.Start(2);
  const int connections = 8;
  auto rec_request = [](std::mt19937_64& g) {
    return std::make_pair(fmt::format("/v1/users/u-{:04d}/recommendations?n=10", g() % 1500), std::string());
  };
  auto hello_request = [](std::mt19937_64&) { return std::make_pair(std::string("/hello"), std::string()); };
  // Alternate the two, twice, so a noisy neighbour hurts both alike.
  std::vector<Row> recd_rows, hello_rows;
  for (int round = 0; round < 2; ++round) {
    hello_rows.push_back(LoadHttp("http/hello-world 2KB", hello.port(), connections, seconds / 2, 1, hello_request, "req/s"));
    recd_rows.push_back(LoadHttp("http/recommend n=10", server.port(), connections, seconds / 2, 1, rec_request, "req/s"));
  }
  auto best = [](std::vector<Row>& v) {
    return *std::max_element(v.begin(), v.end(), [](const Row& a, const Row& b) { return a.per_second < b.per_second; });
  };
  Row h = best(hello_rows), r = best(recd_rows);
  h.name = fmt::format("http/hello-world Beast 2KB, {} conns", connections);
  r.name = fmt::format("http/recommend n=10, {} conns", connections);
  r.note = fmt::format("{:.2f}x of hello-world req/s", r.per_second / h.per_second);
  Print(h);
  Print(r);
  rows.push_back(h);
  rows.push_back(r);
  server.Stop();
  hello.Stop();
}

// Resident memory of this process, in bytes (/proc/self/status VmRSS).
double RssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) * 1024;
  }
  return 0;
}

// Push over SSE on the demo shop: (1) from sending a `view` to receiving the fresh list on the
// shopper's open stream, each time for a new shopper (whose first list is trending, so the view
// changes it); (2) idle streams held at once, and the server's memory per stream.
void BenchPush(Engine& engine, double seconds, int idle_streams) {
  Api api;
  api.SetEngine(&engine);
  HttpServer server([&](const HttpRequest& q, HttpResponse& r) { api.Handle(q, r); }, Api::ServerOptions(engine.options()));
  if (!server.Listen("127.0.0.1:0").ok()) return;
  server.Start(2);
  HttpClient client("127.0.0.1", server.port());
  std::mt19937_64 rng(11);
  std::vector<double> lat;
  int missed = 0;
  const int64_t start = MonotonicMicros();
  for (int i = 0; MonotonicMicros() - start < seconds * 1e6; ++i) {
    const std::string user = fmt::format("push-{}-{}", start, i);
    auto sse = SseClient::Open("127.0.0.1", server.port(), "/v1/users/" + user + "/stream?n=10");
    if (!sse.ok() || !(*sse)->Next(std::chrono::seconds(5)).ok()) {
      ++missed;
      continue;
    }
    const std::string body = fmt::format(R"({{"user":"{}","item":"sku-{:05d}","type":"view"}})", user, rng() % 3000);
    const int64_t t0 = MonotonicMicros();
    auto ack = client.Post("/v1/events", body);
    auto pushed = (*sse)->Next(std::chrono::seconds(5));
    if (!ack.ok() || !pushed.ok()) {
      ++missed;
      continue;
    }
    lat.push_back(MonotonicMicros() - t0);
  }
  Row r = Summarize("push/sse view -> fresh list received, demo shop", lat, static_cast<double>(lat.size()),
                    (MonotonicMicros() - start) / 1e6, "lists/s");
  r.note = fmt::format("one stream per new shopper, durable write included; {} without a push", missed);
  Print(r);
  rows.push_back(r);

  // Idle streams: raw client sockets that read the headers and first message, then wait.
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  idle_streams = std::min<int>(idle_streams, static_cast<int>(limit.rlim_cur / 2) - 100);
  const double rss_before = RssBytes();
  std::vector<int> fds;
  const int64_t open_start = MonotonicMicros();
  for (int i = 0; i < idle_streams; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server.port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      if (fd >= 0) close(fd);
      break;
    }
    const std::string req = fmt::format("GET /v1/sessions/idle-{}/stream HTTP/1.1\r\nHost: x\r\n\r\n", i);
    if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
      close(fd);
      break;
    }
    fds.push_back(fd);
  }
  // Every stream answered: its headers and first (trending) list arrive.
  int answered = 0;
  for (int fd : fds) {
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) == 1 && read(fd, buf, sizeof(buf)) > 0) ++answered;
  }
  const double open_seconds = (MonotonicMicros() - open_start) / 1e6;
  for (int i = 0; i < 50 && api.push().open_streams() < static_cast<size_t>(answered); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double rss_after = RssBytes();
  Row idle;
  idle.name = fmt::format("push/sse idle streams held");
  idle.unit = "streams";
  idle.per_second = static_cast<double>(api.push().open_streams());
  idle.note = fmt::format("{} opened and answered in {:.1f} s; server memory {:.1f} KB per stream (RSS delta / streams)",
                          answered, open_seconds, (rss_after - rss_before) / std::max(1, answered) / 1024);
  Print(idle);
  rows.push_back(idle);
  for (int fd : fds) close(fd);
  server.Stop();
}

// Training time of each model family on ML-100k's holdout training part (75,000 ratings,
// 1,682 items), from ../shared/data when it is there.
void BenchTraining(const std::string& shared_data) {
  auto ds = LoadNamedDataset("ml-100k", shared_data);
  if (!ds.ok()) {
    std::printf("train/*: skipped (%s)\n", ds.status().ToString().c_str());
    return;
  }
  Split split = StratifiedSplit(ds->interactions, 0.75, 42, false);
  EvalOptions options;
  options.ks = {10};
  OfflineEvaluator evaluator(*ds, split, options);
  for (const char* spec : {"popularity", "itemknn(k=200)", "itemknn(k=200,weighting=bm25)", "userknn(k=100)", "sar",
                           "ease(l2=500)", "als(factors=64,iters=15,reg=50,alpha=5)",
                           "als(factors=200,iters=20,reg=50,alpha=5)", "bpr(factors=64,epochs=120,lr=0.05,reg=0.02)",
                           "bpr(factors=64,epochs=120,lr=0.05,reg=0.02,threads=2)"}) {
    auto r = evaluator.Evaluate(spec);
    if (!r.ok()) continue;
    Row row;
    row.name = fmt::format("train/{} ml-100k", spec);
    row.per_second = r->train_seconds;
    row.unit = "s";
    row.p50_us = r->latency_ms.p50 * 1000;
    row.p99_us = r->latency_ms.p99 * 1000;
    row.p999_us = 0;
    row.note = fmt::format("nDCG@10 {:.4f}; latency = one list", r->metrics.at("ndcg@10"));
    Print(row);
    rows.push_back(row);
  }
}

// Session prediction latency of VMIS-kNN on synthetic logs of growing size: the request cost is
// bounded by m and k, so it should not grow with the log.
void BenchSessions() {
  for (size_t events : {size_t{1000000}, size_t{10000000}}) {
    const uint32_t items = 1000000;
    std::vector<std::vector<UserEvent>> sessions = SyntheticSessions(events, items, 11);
    std::vector<std::vector<UserEvent>> queries = SyntheticSessions(50000, items, 12);
    InteractionMatrix empty;
    empty.num_cols = items;
    empty.row_ptr.push_back(0);
    const int64_t t0 = MonotonicMicros();
    auto model = TrainRecommender("vmis(k=100,m=500)", TrainingData{empty, 0, &sessions});
    const double train_s = (MonotonicMicros() - t0) / 1e6;
    if (!model.ok()) return;
    sessions.clear();
    sessions.shrink_to_fit();
    std::vector<double> lat;
    auto keep = [](ItemIdx) { return true; };
    std::mt19937 rng(13);
    for (const auto& q : queries) {
      const size_t prefix = 1 + rng() % (q.size() - 1);
      const int64_t a = MonotonicMicros();
      (void)(*model)->Recommend(std::span<const UserEvent>(q.data(), prefix), 20, keep);
      lat.push_back(MonotonicMicros() - a);
    }
    const double secs = std::accumulate(lat.begin(), lat.end(), 0.0) / 1e6;
    Row r = Summarize(fmt::format("session/vmis(k=100,m=500) {}M events, 1M items", events / 1000000), lat,
                      static_cast<double>(lat.size()), secs, "req/s");
    std::vector<double> sorted = lat;
    const double p90 = Percentile(sorted, 0.90);
    r.note = fmt::format("p90 {:.1f} us; index built in {:.1f} s", p90, train_s);
    Print(r);
    rows.push_back(r);
  }
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

}  // namespace
}  // namespace recd

int main(int argc, char** argv) {
  using namespace recd;
  double seconds = 3;
  std::string out = "bench/results/recd_bench.json";
  std::string only;  // run one phase: train, sessions, ingest, http-ingest, recommend, explore, swap, search, http, push, scale
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::stod(argv[i + 1]);
    else if (flag == "--out") out = argv[i + 1];
    else if (flag == "--only") only = argv[i + 1];
  }
  auto run = [&](const char* phase) { return only.empty() || only == phase; };
  std::printf("recd_bench: %s, %u cores, %.1f s per phase\n\n", CpuModel().c_str(), std::thread::hardware_concurrency(), seconds);

  if (run("train")) BenchTraining("../shared/data");
  if (run("sessions")) BenchSessions();
  if (run("ingest")) BenchEngineIngest(seconds);
  if (run("http-ingest")) BenchHttpIngest(seconds);

  // The demo shop, as ./run.sh loads it.
  TempDir shop_in, shop_data;
  cli::DemoShopOptions demo;
  uint64_t written = 0;
  if (!cli::WriteDemoShop(demo, shop_in.path(), &written).ok()) return 1;
  auto engine = OpenEngine(shop_data.path());
  cli::ImportStats stats;
  if (!cli::Import(*engine, "catalog", shop_in.Sub("catalog.jsonl"), &stats).ok() ||
      !cli::Import(*engine, "events", shop_in.Sub("events.jsonl"), &stats).ok() || !engine->Retrain(true).ok()) {
    return 1;
  }
  std::printf("\ndemo shop: %llu items, %llu events, model %s\n\n", static_cast<unsigned long long>(stats.items),
              static_cast<unsigned long long>(stats.events), engine->CurrentModel().spec.c_str());
  if (run("recommend")) {
    for (const Row& r : {BenchRecommend(*engine, seconds),
                         BenchRecommend(*engine, seconds, 10, ", cold shoppers (trending)", "new-{}")}) {
      Print(r);
      rows.push_back(r);
    }
  }
  if (run("explore")) {
    // n=20 gives exploration one place at the default share; the same data with it off, reopened.
    engine.reset();
    auto off = OpenEngine(shop_data.path(), 0.0);
    Row base = BenchRecommend(*off, seconds, 20, ", exploration off");
    off.reset();
    engine = OpenEngine(shop_data.path());
    Row on = BenchRecommend(*engine, seconds, 20, ", exploration on (1 place)");
    on.note = fmt::format("p50 {:.2f}x, p99 {:.2f}x exploration off", on.p50_us / std::max(1.0, base.p50_us),
                          on.p99_us / std::max(1.0, base.p99_us));
    for (const Row& r : {base, on}) {
      Print(r);
      rows.push_back(r);
    }
  }
  if (run("swap")) BenchDuringRetrain(*engine, seconds);
  if (run("search")) {
    static const char* kShopWords[] = {"kettle", "headphones", "laptop", "shoes", "mug", "novel", "puzzle", "cream",
                                       "pillow", "speaker", "yoga", "knife", "plant", "shampoo", "smartphone", "case"};
    BenchSearch(*engine, seconds, "demo shop", kShopWords, "u-{:04d}", 1500);
    // ml-latest-small: 9,742 movie titles and genres, 610 users' ratings.
    TempDir movies_data;
    auto movies = OpenEngine(movies_data.path());
    cli::ImportStats movie_stats;
    if (cli::Import(*movies, "ml-latest-small", "../shared/data/movielens-latest-small", &movie_stats).ok() &&
        movies->Retrain(true).ok()) {
      static const char* kMovieWords[] = {"love", "war", "star", "man", "night", "day", "dead", "life", "world",
                                          "comedy", "king", "story", "american", "girl", "city", "dark"};
      BenchSearch(*movies, seconds, "ml-latest-small", kMovieWords, "{}", 610);
    } else {
      std::printf("search/engine ml-latest-small: skipped (../shared/data not found)\n");
    }
  }
  if (run("http")) BenchHttpRecommend(*engine, 2 * seconds);
  if (run("push")) BenchPush(*engine, seconds, 9000);
  if (run("scale")) {
    // A catalog of 100,000 items: the lists of shoppers with and without history.
    TempDir big_in, big_data;
    cli::DemoShopOptions big;
    big.items = 100000;
    big.users = 5000;
    big.sessions = 30000;
    uint64_t big_events = 0;
    auto big_engine = OpenEngine(big_data.path());
    cli::ImportStats big_stats;
    if (cli::WriteDemoShop(big, big_in.path(), &big_events).ok() &&
        cli::Import(*big_engine, "catalog", big_in.Sub("catalog.jsonl"), &big_stats).ok() &&
        cli::Import(*big_engine, "events", big_in.Sub("events.jsonl"), &big_stats).ok() && big_engine->Retrain(true).ok()) {
      for (const Row& r : {BenchRecommend(*big_engine, seconds, 10, ", 100k items"),
                           BenchRecommend(*big_engine, seconds, 10, ", 100k items, cold shoppers (trending)", "new-{}")}) {
        Print(r);
        rows.push_back(r);
      }
    }
  }

  std::ofstream json(out);
  utsname u{};
  uname(&u);
  json << "{\n  \"cpu\": \"" << CpuModel() << "\",\n  \"cores\": " << std::thread::hardware_concurrency()
       << ",\n  \"kernel\": \"" << u.release << "\",\n  \"date_ms\": " << NowMs() << ",\n  \"rows\": [\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    json << fmt::format(R"(    {{"name":"{}","per_second":{:.1f},"unit":"{}","p50_us":{:.1f},"p99_us":{:.1f},"p999_us":{:.1f},"note":"{}"}})",
                        r.name, r.per_second, r.unit, r.p50_us, r.p99_us, r.p999_us, r.note)
         << (i + 1 < rows.size() ? ",\n" : "\n");
  }
  json << "  ]\n}\n";
  std::printf("\nwrote %s\n", out.c_str());
  return 0;
}
