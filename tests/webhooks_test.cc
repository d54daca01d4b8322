// Webhooks end to end: a real target server that fails on purpose, retries with backoff, a
// restart of the sender between attempts, the dead-letter list, signatures, and the triggers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "server/http_client.h"
#include "server/http_server.h"
#include "server/routes.h"
#include "server/webhooks.h"
#include "tests/test_util.h"

namespace recd {
namespace {

// A shop's endpoint: answers 500 to the first `failures` attempts of each delivery, then 200,
// and keeps what it accepted.
class Target {
 public:
  explicit Target(int failures) : failures_(failures), server_([this](const HttpRequest& q, HttpResponse& r) { Handle(q, r); }, {}) {
    EXPECT_TRUE(server_.Listen("127.0.0.1:0").ok());
    server_.Start(1);
  }
  ~Target() { server_.Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hooks/recd"; }

  void Handle(const HttpRequest& q, HttpResponse& r) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string key(q.header("Idempotency-Key"));
    ++attempts_[key];
    ++total_;
    if (attempts_[key] <= failures_) {
      r.status = 500;
      return;
    }
    ++accepted_[key];
    bodies_[key] = std::string(q.body);
    signatures_[key] = std::string(q.header("X-Recd-Signature"));
  }
  int total() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }
  std::map<std::string, int> accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  std::map<std::string, std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  std::map<std::string, std::string> signatures() {
    std::lock_guard<std::mutex> lock(mu_);
    return signatures_;
  }

 private:
  const int failures_;
  std::mutex mu_;
  std::map<std::string, int> attempts_, accepted_;
  std::map<std::string, std::string> bodies_, signatures_;
  int total_ = 0;
  HttpServer server_;
};

WebhookOptions Fast() {
  WebhookOptions o;
  o.retry_base_ms = 50;
  o.timeout_ms = 2000;
  return o;
}

TEST(Webhooks, FailingTwiceThenSucceedingIsDeliveredOncePerKeyAcrossARestart) {
  testing::TempDir dir;
  Target target(/*failures=*/2);
  auto hooks = Webhooks::Open(dir.Sub("webhooks"), Fast());
  ASSERT_TRUE(hooks.ok()) << hooks.status().ToString();
  Webhook hook;
  hook.url = target.url();
  hook.triggers = {"price_drop"};
  hook.secret = "s3cret";
  ASSERT_TRUE((*hooks)->Register(hook).ok());
  ASSERT_TRUE((*hooks)->Fire("price_drop", "u1", R"({"item":"k1","old_price":40,"new_price":30})").ok());
  for (int i = 0; i < 200 && target.total() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(target.total(), 1);
  hooks->reset();  // recd stops between the first and second attempts
  auto reopened = Webhooks::Open(dir.Sub("webhooks"), Fast());
  ASSERT_TRUE(reopened.ok());
  ASSERT_EQ((*reopened)->Pending().size(), 1u);
  EXPECT_EQ((*reopened)->Pending()[0].attempts, 1);
  ASSERT_TRUE((*reopened)->WaitIdle(10000));
  EXPECT_EQ(target.total(), 3);
  const auto accepted = target.accepted();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted.begin()->second, 1);
  const std::string key = accepted.begin()->first;
  const std::string body = target.bodies()[key];
  EXPECT_EQ(target.signatures()[key], "sha256=" + HmacSha256Hex("s3cret", body));
  EXPECT_NE(body.find(R"("trigger":"price_drop")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("new_price":30)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("id":")" + key + "\""), std::string::npos) << body;
  EXPECT_TRUE((*reopened)->DeadLetters().empty());
  // Delivered: nothing is sent again after another restart.
  reopened->reset();
  auto again = Webhooks::Open(dir.Sub("webhooks"), Fast());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->Pending().empty());
  EXPECT_EQ((*again)->List().size(), 1u);
}

TEST(Webhooks, ATargetThatNeverAnswersWellEndsInTheDeadLetters) {
  testing::TempDir dir;
  Target target(/*failures=*/1000);
  WebhookOptions options = Fast();
  options.max_attempts = 2;
  auto hooks = Webhooks::Open(dir.Sub("webhooks"), options);
  ASSERT_TRUE(hooks.ok());
  Webhook hook;
  hook.url = target.url();
  hook.triggers = {"back_in_stock"};
  hook.users = {"u1"};
  ASSERT_TRUE((*hooks)->Register(hook).ok());
  EXPECT_FALSE((*hooks)->Wants("back_in_stock", "u2"));
  ASSERT_TRUE((*hooks)->Fire("back_in_stock", "u2", "{}").ok());  // not this webhook's shopper
  ASSERT_TRUE((*hooks)->Fire("back_in_stock", "u1", R"({"item":"k1"})").ok());
  ASSERT_TRUE((*hooks)->WaitIdle(10000));
  EXPECT_EQ(target.total(), 2);
  ASSERT_EQ((*hooks)->DeadLetters().size(), 1u);
  EXPECT_EQ((*hooks)->DeadLetters()[0].last_error, "HTTP 500");
  // Bad registrations name the field.
  Webhook bad;
  bad.url = "ftp://x";
  bad.triggers = {"price_drop"};
  EXPECT_NE((*hooks)->Register(bad).status().message().find("url:"), std::string::npos);
  bad.url = target.url();
  bad.triggers = {"sale"};
  EXPECT_NE((*hooks)->Register(bad).status().message().find("unknown trigger 'sale'"), std::string::npos);
}

TEST(Webhooks, ATargetThatNeverAnswersTimesOut) {
  // A socket that listens but never accepts: connections complete in its backlog, and no
  // answer ever comes.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  testing::TempDir dir;
  WebhookOptions options = Fast();
  options.timeout_ms = 200;
  options.max_attempts = 1;
  auto hooks = Webhooks::Open(dir.Sub("webhooks"), options);
  ASSERT_TRUE(hooks.ok());
  Webhook hook;
  hook.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/silent";
  hook.triggers = {"price_drop"};
  ASSERT_TRUE((*hooks)->Register(hook).ok());
  ASSERT_TRUE((*hooks)->Fire("price_drop", "u1", "{}").ok());
  ASSERT_TRUE((*hooks)->WaitIdle(5000));
  ASSERT_EQ((*hooks)->DeadLetters().size(), 1u);
  EXPECT_NE((*hooks)->DeadLetters()[0].last_error.find("timeout"), std::string::npos) << (*hooks)->DeadLetters()[0].last_error;
  close(fd);
}

// An https receiver with a self-signed certificate for 127.0.0.1 (made with the openssl
// command), answering `connections` connections in a thread.
class TlsTarget {
 public:
  TlsTarget(const std::string& dir, int connections) : cert_(dir + "/cert.pem") {
    const std::string key = dir + "/key.pem";
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                            "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert_ + " >/dev/null 2>&1";
    ok_ = std::system(cmd.c_str()) == 0;
    if (!ok_) return;
    ctx_.use_certificate_chain_file(cert_);
    ctx_.use_private_key_file(key, boost::asio::ssl::context::pem);
    acceptor_.open(boost::asio::ip::tcp::v4());
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        boost::system::error_code ec;
        boost::asio::ssl::stream<boost::asio::ip::tcp::socket> s(acceptor_.accept(), ctx_);
        s.handshake(boost::asio::ssl::stream_base::server, ec);
        if (ec) continue;  // the client refused our certificate
        boost::beast::flat_buffer buffer;
        boost::beast::http::request<boost::beast::http::string_body> req;
        boost::beast::http::read(s, buffer, req, ec);
        if (ec) continue;
        {
          std::lock_guard<std::mutex> lock(mu_);
          bodies_.push_back(req.body());
          signatures_.emplace_back(req["X-Recd-Signature"]);
        }
        boost::beast::http::response<boost::beast::http::string_body> res(boost::beast::http::status::ok, 11);
        res.body() = "ok";
        res.keep_alive(false);
        res.prepare_payload();
        boost::beast::http::write(s, res, ec);
      }
    });
  }
  ~TlsTarget() {
    if (thread_.joinable()) thread_.join();
  }
  bool ok() const { return ok_; }
  const std::string& cert() const { return cert_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hooks"; }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  std::vector<std::string> signatures() {
    std::lock_guard<std::mutex> lock(mu_);
    return signatures_;
  }

 private:
  std::string cert_;
  bool ok_ = false;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context ctx_{boost::asio::ssl::context::tls_server};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_, signatures_;
};

TEST(Webhooks, HttpsReceiversAreVerifiedAndServed) {
  testing::TempDir dir;
  {
    TlsTarget target(dir.path(), 1);
    if (!target.ok()) GTEST_SKIP() << "the openssl command is needed to make a test certificate";
    WebhookOptions options = Fast();
    options.ca_file = target.cert();  // the receiver's self-signed certificate is trusted
    auto hooks = Webhooks::Open(dir.Sub("trusted"), options);
    ASSERT_TRUE(hooks.ok());
    Webhook hook;
    hook.url = target.url();
    hook.triggers = {"price_drop"};
    hook.secret = "k";
    ASSERT_TRUE((*hooks)->Register(hook).ok());
    ASSERT_TRUE((*hooks)->Fire("price_drop", "u1", R"({"item":"k1"})").ok());
    ASSERT_TRUE((*hooks)->WaitIdle(10000));
    EXPECT_TRUE((*hooks)->DeadLetters().empty());
    ASSERT_EQ(target.bodies().size(), 1u);
    EXPECT_EQ(target.signatures()[0], "sha256=" + HmacSha256Hex("k", target.bodies()[0]));
  }
  {
    TlsTarget target(dir.path(), 1);
    WebhookOptions options = Fast();
    options.max_attempts = 1;  // the system's CAs do not know this certificate
    auto hooks = Webhooks::Open(dir.Sub("untrusted"), options);
    ASSERT_TRUE(hooks.ok());
    Webhook hook;
    hook.url = target.url();
    hook.triggers = {"price_drop"};
    ASSERT_TRUE((*hooks)->Register(hook).ok());
    ASSERT_TRUE((*hooks)->Fire("price_drop", "u1", "{}").ok());
    ASSERT_TRUE((*hooks)->WaitIdle(10000));
    ASSERT_EQ((*hooks)->DeadLetters().size(), 1u);
    EXPECT_NE((*hooks)->DeadLetters()[0].last_error.find("certificate verify failed"), std::string::npos)
        << (*hooks)->DeadLetters()[0].last_error;
    EXPECT_TRUE(target.bodies().empty());
  }
}

TEST(Webhooks, TriggersFireFromTheApi) {
  testing::TempDir dir;
  Target target(/*failures=*/0);
  Options options = testing::TestOptions(dir.path());
  auto engine = testing::OpenOrDie(options);
  auto hooks = Webhooks::Open(dir.Sub("webhooks"), Fast());
  ASSERT_TRUE(hooks.ok());
  Api api;
  api.SetEngine(engine.get());
  api.SetWebhooks(hooks->get());
  HttpServer server([&](const HttpRequest& q, HttpResponse& r) { api.Handle(q, r); }, Api::ServerOptions(options));
  ASSERT_TRUE(server.Listen("127.0.0.1:0").ok());
  server.Start(2);
  HttpClient client("127.0.0.1", server.port());
  auto call = [&](const std::string& method, const std::string& target_path, const std::string& body = "") {
    auto r = client.Request(method, target_path, body);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : HttpResult{};
  };
  HttpResult registered = call("POST", "/v1/webhooks",
                               R"({"url":")" + target.url() + R"(","triggers":["price_drop","back_in_stock","new_recommendations"],"users":["u1"]})");
  ASSERT_EQ(registered.status, 201) << registered.body;
  EXPECT_NE(registered.body.find(R"("secret":")"), std::string::npos);
  EXPECT_EQ(call("GET", "/v1/webhooks").body.find("secret"), std::string::npos);
  EXPECT_EQ(call("POST", "/v1/webhooks", R"({"url":"http://x","triggers":["nope"]})").status, 400);
  ASSERT_EQ(call("POST", "/v1/items", R"([{"id":"k1","title":"Kettle","price":40,"categories":["kitchen"]},
      {"id":"k2","title":"Teapot","price":20,"available":false,"categories":["kitchen"]}])").status, 200);
  ASSERT_EQ(call("POST", "/v1/events", R"([{"user":"u1","item":"k1","type":"add_to_cart"},
      {"user":"u1","item":"k2","type":"view"},{"user":"u2","item":"k1","type":"add_to_cart"}])").status, 200);
  ASSERT_EQ(call("PUT", "/v1/items/k1", R"({"title":"Kettle","price":30,"categories":["kitchen"]})").status, 200);
  ASSERT_EQ(call("PUT", "/v1/items/k2", R"({"title":"Teapot","price":20,"available":true,"categories":["kitchen"]})").status, 200);
  ASSERT_TRUE((*hooks)->WaitIdle(10000));
  std::map<std::string, int> triggers;
  for (const auto& [key, body] : target.bodies()) {
    for (const char* t : {"price_drop", "back_in_stock", "new_recommendations"}) {
      if (body.find("\"trigger\":\"" + std::string(t) + "\"") != std::string::npos) ++triggers[t];
    }
    EXPECT_NE(body.find(R"("user":"u1")"), std::string::npos) << body;  // u2 is not this webhook's
  }
  EXPECT_EQ(triggers["price_drop"], 1);
  EXPECT_EQ(triggers["back_in_stock"], 1);
  EXPECT_EQ(triggers["new_recommendations"], 1);
  EXPECT_NE(call("GET", "/v1/webhooks/deliveries").body.find(R"("pending":[])"), std::string::npos);
  EXPECT_EQ(call("DELETE", "/v1/webhooks/wh-1").status, 200);
  EXPECT_EQ(call("DELETE", "/v1/webhooks/wh-1").status, 404);
  server.Stop();
}

}  // namespace
}  // namespace recd
