// Integration: the real HTTP server (Beast) on an ephemeral loopback port, every endpoint, and
// the bad-input suite (each error, and that nothing was stored).
#include <thread>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "server/http_client.h"
#include "server/http_server.h"
#include "server/routes.h"
#include "tests/test_util.h"

namespace recd {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options = testing::TestOptions(dir_.path());
    options.max_body_bytes = 64 * 1024;
    engine_ = testing::OpenOrDie(options);
    server_ = std::make_unique<HttpServer>([this](const HttpRequest& q, HttpResponse& r) { api_.Handle(q, r); },
                                           Api::ServerOptions(options));
    ASSERT_TRUE(server_->Listen("127.0.0.1:0").ok());
    server_->Start(2);
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  }
  void TearDown() override { server_->Stop(); }

  void Ready() { api_.SetEngine(engine_.get()); }

  HttpResult Call(const std::string& method, const std::string& target, const std::string& body = "") {
    auto r = client_->Request(method, target, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResult{};
  }

  // Loads a small shop: a and b go together, c and d go together.
  void LoadShop() {
    ASSERT_EQ(Call("POST", "/v1/items", R"([{"id":"a","title":"Alpha","categories":["x/y"]},
        {"id":"b","title":"Beta","categories":["x/y"]},{"id":"c","title":"Gamma","categories":["z"]},
        {"id":"d","title":"Delta","categories":["z"]}])").status, 200);
    std::string ndjson;
    for (int u = 0; u < 6; ++u) {
      const char* pair = u < 3 ? "ab" : "cd";
      for (int k = 0; k < 2; ++k) {
        ndjson += "{\"user\":\"u" + std::to_string(u) + "\",\"item\":\"" + pair[k] + "\",\"type\":\"view\"}\n";
      }
    }
    HttpResult r = Call("POST", "/v1/events", ndjson);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find(R"("accepted":12,"rejected":0)"), std::string::npos) << r.body;
    ASSERT_EQ(Call("POST", "/v1/models/retrain?wait=true").status, 200);
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  Api api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ServerTest, NotReadyUntilTheEngineIsSet) {
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("GET", "/readyz").status, 503);
  HttpResult r = Call("GET", "/v1/popular");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find(R"("code":"unavailable")"), std::string::npos);
  Ready();
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
}

TEST_F(ServerTest, EveryEndpointWorks) {
  Ready();
  LoadShop();
  EXPECT_EQ(Call("PUT", "/v1/items/e", R"({"title":"Epsilon","price":5,"categories":["z"]})").status, 200);
  HttpResult item = Call("GET", "/v1/items/e");
  EXPECT_EQ(item.status, 200);
  EXPECT_NE(item.body.find(R"("title":"Epsilon")"), std::string::npos);
  EXPECT_EQ(Call("PUT", "/v1/users/u0", R"({"segment":"new"})").status, 200);
  EXPECT_NE(Call("GET", "/v1/users/u0").body.find(R"("attributes":{"segment":"new"})"), std::string::npos);

  // An event changes the very next response.
  ASSERT_EQ(Call("POST", "/v1/events", R"({"user":"new","item":"c","type":"purchase"})").status, 200);
  HttpResult recs = Call("GET", "/v1/users/new/recommendations?n=3");
  ASSERT_EQ(recs.status, 200);
  EXPECT_NE(recs.body.find(R"({"item":"d")"), std::string::npos) << recs.body;
  EXPECT_NE(recs.body.find("because you bought Gamma"), std::string::npos) << recs.body;
  EXPECT_EQ(recs.body.find(R"({"item":"c")"), std::string::npos) << recs.body;
  EXPECT_NE(recs.body.find(R"("recomm_id":")"), std::string::npos);

  EXPECT_NE(Call("GET", "/v1/items/a/similar?n=1").body.find(R"("item":"b")"), std::string::npos);
  EXPECT_NE(Call("GET", "/v1/sessions/whatever/recommendations").body.find("trending"), std::string::npos);
  HttpResult popular = Call("GET", "/v1/popular?n=2&category=x");
  EXPECT_EQ(popular.status, 200);
  EXPECT_EQ(popular.body.find(R"("item":"c")"), std::string::npos) << popular.body;
  EXPECT_EQ(Call("GET", "/v1/trending?n=2").status, 200);
  EXPECT_EQ(Call("GET", "/v1/users/new/recommendations?exclude=d,b&n=5").body.find(R"("item":"d")"), std::string::npos);

  HttpResult search = Call("GET", "/v1/search?q=alpha&explain=true");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find(R"("item":"a")"), std::string::npos) << search.body;
  EXPECT_NE(search.body.find(R"("explain":{"text":1)"), std::string::npos) << search.body;
  EXPECT_EQ(Call("GET", "/v1/search?q=").status, 400);
  EXPECT_EQ(Call("GET", "/v1/search?q=alpha&max_price=cheap").status, 400);

  EXPECT_EQ(Call("DELETE", "/v1/items/d").status, 200);
  EXPECT_EQ(Call("GET", "/v1/users/new/recommendations?n=5").body.find(R"("item":"d")"), std::string::npos);

  EXPECT_EQ(Call("POST", "/v1/models/retrain").status, 202);
  HttpResult models = Call("GET", "/v1/models");
  EXPECT_EQ(models.status, 200);
  EXPECT_NE(models.body.find(R"("spec":"itemknn()"), std::string::npos) << models.body;
  HttpResult metrics = Call("GET", "/metrics");
  EXPECT_NE(metrics.body.find("recd_http_requests_total{route=\"POST /v1/events\",code=\"2xx\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("recd_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("recd_model_snapshot_age_seconds"), std::string::npos);
  EXPECT_NE(metrics.body.find("recd_events_ingested_total 13"), std::string::npos);
}

TEST_F(ServerTest, BadInputGetsAClearErrorAndStoresNothing) {
  Ready();
  LoadShop();
  const uint64_t events_before = engine_->Stats().events_total;
  struct Case {
    std::string method, target, body;
    int status;
    std::string message;
  } cases[] = {
      {"POST", "/v1/events", R"({"user":"u","item":"a","type":"view")", 400, "malformed JSON"},
      {"POST", "/v1/events", R"({"user":"u","item":"a","type":7})", 400, "type: expected a string"},
      {"POST", "/v1/events", R"({"user":"u","type":"view"})", 400, "item: required for type 'view'"},
      {"POST", "/v1/events", R"({"item":"a","type":"view"})", 400, "user: an event needs a user or a session"},
      {"POST", "/v1/events", R"({"user":"u","item":"a","type":"teleport"})", 400, "unknown event type 'teleport'"},
      {"POST", "/v1/events", R"({"user":"u","item":"a","type":"view","timestamp":"now"})", 400, "timestamp: expected an integer"},
      {"POST", "/v1/events", R"({"user":"u","item":"a","type":"view","timestamp":99999999999999})", 400, "in the future"},
      {"POST", "/v1/events", "{\"user\":\"\xc3\x28\",\"item\":\"a\",\"type\":\"view\"}", 400, "invalid UTF-8"},
      {"POST", "/v1/events", std::string(70 * 1024, ' '), 413, "larger than"},
      {"PUT", "/v1/items/a", R"({"price":"free"})", 400, "price: expected a number"},
      {"POST", "/v1/items", R"([{"id":"z"},{"id":"y","colour":"red"}])", 400, "items[1].colour: unknown field"},
      {"POST", "/v1/items", "[]", 400, "body: no items"},
      {"GET", "/v1/items/nope", "", 404, "item 'nope' is not in the catalog"},
      {"GET", "/v1/items/nope/similar", "", 404, "item 'nope' is unknown"},
      {"GET", "/v1/users/nobody", "", 404, "user 'nobody' is unknown"},
      {"GET", "/v1/popular?n=0", "", 400, "n: expected an integer from 1 to"},
      {"GET", "/v1/popular?n=abc", "", 400, "n: expected an integer"},
      {"GET", "/v1/items/%zz", "", 400, "malformed escape"},
      {"GET", "/v1/nowhere", "", 404, "no route for GET /v1/nowhere"},
      {"PATCH", "/v1/events", "", 405, "not allowed"},
  };
  for (const Case& c : cases) {
    // A 413 closes the connection; use a fresh client for each case.
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    HttpResult r = Call(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << " " << c.body.substr(0, 80) << " -> " << r.body;
    EXPECT_NE(r.body.find(c.message), std::string::npos) << c.target << " -> " << r.body;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(r.body).get(doc), simdjson::SUCCESS) << r.body;
    std::string_view code;
    EXPECT_EQ(doc["error"]["code"].get(code), simdjson::SUCCESS) << r.body;
  }
  EXPECT_EQ(engine_->Stats().events_total, events_before);

  // A batch stores the valid records and reports each invalid one with its index.
  HttpResult r = Call("POST", "/v1/events",
                      R"([{"user":"u","item":"a","type":"view"},{"user":"u","type":"view"},{"user":"u","item":"b","type":"rating","value":9}])");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("accepted":1,"rejected":2)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"({"index":1,"code":"invalid_argument","message":"events[1].item: required for type 'view'"})"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("index":2)"), std::string::npos) << r.body;
  EXPECT_EQ(engine_->Stats().events_total, events_before + 1);

  // NDJSON: a malformed line is reported by its index; the good line is stored.
  r = Call("POST", "/v1/events", "{\"user\":\"u\",\"item\":\"a\",\"type\":\"view\"}\n{\"user\":\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("index":1,"code":"invalid_argument","message":"events[1]: malformed JSON)"), std::string::npos) << r.body;
  EXPECT_EQ(engine_->Stats().events_total, events_before + 2);
}

TEST_F(ServerTest, AStreamGetsAFreshListWhenAnEventChangesIt) {
  Ready();
  LoadShop();
  auto sse = SseClient::Open("127.0.0.1", server_->port(), "/v1/users/new-shopper/stream?n=2");
  ASSERT_TRUE(sse.ok()) << sse.status().ToString();
  auto first = (*sse)->Next(std::chrono::seconds(5));  // the current list, at once
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->event, "recommendations");
  EXPECT_EQ(first->id.size(), 16u);
  // Viewing c brings d into the list: pushed before the view is acknowledged.
  ASSERT_EQ(Call("POST", "/v1/events", R"({"user":"new-shopper","item":"c","type":"view"})").status, 200);
  auto pushed = (*sse)->Next(std::chrono::seconds(5));
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_NE(pushed->data.find(R"({"item":"d")"), std::string::npos) << pushed->data;
  EXPECT_NE(pushed->data.find("because you viewed Gamma"), std::string::npos) << pushed->data;
  EXPECT_NE(pushed->id, first->id);
  // Another shopper's event, and a view that leaves the top 2 as it is, send nothing.
  ASSERT_EQ(Call("POST", "/v1/events", R"({"user":"u0","item":"b","type":"view"})").status, 200);
  ASSERT_EQ(Call("POST", "/v1/events", R"({"user":"new-shopper","item":"c","type":"view"})").status, 200);
  EXPECT_TRUE((*sse)->Next(std::chrono::milliseconds(300)).status().IsUnavailable());
  // Reconnecting with the id of the list it has, a client is sent nothing until it changes.
  auto resumed = SseClient::Open("127.0.0.1", server_->port(), "/v1/users/new-shopper/stream?n=2", pushed->id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_TRUE((*resumed)->Next(std::chrono::milliseconds(300)).status().IsUnavailable());
  auto stale = SseClient::Open("127.0.0.1", server_->port(), "/v1/users/new-shopper/stream?n=2", first->id);
  ASSERT_TRUE(stale.ok());
  auto caught_up = (*stale)->Next(std::chrono::seconds(5));
  ASSERT_TRUE(caught_up.ok());
  EXPECT_EQ(caught_up->id, pushed->id);
  // A bad parameter is a plain 400, not a stream.
  EXPECT_EQ(Call("GET", "/v1/users/new-shopper/stream?n=0").status, 400);
}

TEST(ServerStreams, QuietStreamsGetHeartbeatsAndClosedOnesAreDropped) {
  testing::TempDir dir;
  Options options = testing::TestOptions(dir.path());
  options.push_heartbeat_seconds = 1;
  auto engine = testing::OpenOrDie(options);
  Api api;
  api.SetEngine(engine.get());
  HttpServer server([&](const HttpRequest& q, HttpResponse& r) { api.Handle(q, r); }, Api::ServerOptions(options));
  ASSERT_TRUE(server.Listen("127.0.0.1:0").ok());
  server.Start(2);
  {
    auto sse = SseClient::Open("127.0.0.1", server.port(), "/v1/sessions/s1/stream");
    ASSERT_TRUE(sse.ok());
    ASSERT_TRUE((*sse)->Next(std::chrono::seconds(5)).ok());  // the (empty) list
    auto beat = (*sse)->Next(std::chrono::seconds(5));
    ASSERT_TRUE(beat.ok()) << beat.status().ToString();
    EXPECT_EQ(beat->comment, "heartbeat");
    EXPECT_EQ(api.push().open_streams(), 1u);
  }  // the client goes away
  for (int i = 0; i < 100 && api.push().open_streams() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(api.push().open_streams(), 0u);
  server.Stop();
}

}  // namespace
}  // namespace recd
