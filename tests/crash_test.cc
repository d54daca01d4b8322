// Durability: stream events to a real `recd serve`, SIGKILL it mid-stream, restart it, and check
// that every acknowledged event is there.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/process.h"
#include "tests/test_util.h"

namespace recd {
namespace {

TEST(Crash, NoAcknowledgedEventIsLostOnSigkill) {
  testing::TempDir dir;
  const uint16_t port = testing::FreePort();
  auto server = std::make_unique<testing::ServerProcess>(dir.Sub("data"), port);
  ASSERT_TRUE(server->Start());

  // Two writers; event n is the only event of user "c<n>", so each one can be checked alone.
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<int> acknowledged;
  auto writer = [&] {
    HttpClient client("127.0.0.1", port);
    while (!stop) {
      std::string body = "[";
      std::vector<int> batch;
      for (int k = 0; k < 20; ++k) {
        int n = next++;
        batch.push_back(n);
        body += (k ? "," : "") + std::string(R"({"user":"c)") + std::to_string(n) +
                R"(","item":"i)" + std::to_string(n % 50) + R"(","type":"view"})";
      }
      body += "]";
      auto r = client.Post("/v1/events", body);
      if (!r.ok()) return;  // the server is gone
      if (r->status == 200 && r->body.find(R"("rejected":0)") != std::string::npos) {
        std::lock_guard<std::mutex> lock(mu);
        acknowledged.insert(acknowledged.end(), batch.begin(), batch.end());
      }
    }
  };
  std::thread w1(writer), w2(writer);
  // Kill once a good number of batches has been acknowledged (bounded in time).
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acknowledged.size() >= 2000) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  server->Kill(SIGKILL);
  stop = true;
  w1.join();
  w2.join();
  ASSERT_GT(acknowledged.size(), 0u);

  server = std::make_unique<testing::ServerProcess>(dir.Sub("data"), port);
  ASSERT_TRUE(server->Start());
  HttpClient client("127.0.0.1", port);
  // Each acknowledged event must be in its user's history after the restart.
  size_t lost = 0;
  for (int n : acknowledged) {
    auto r = client.Get("/v1/users/c" + std::to_string(n) + "/history");
    ASSERT_TRUE(r.ok());
    lost += r->status != 200 ||
            r->body.find("\"item\":\"i" + std::to_string(n % 50) + "\"") == std::string::npos;
  }
  EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged events";
  auto models = client.Get("/v1/models");
  ASSERT_TRUE(models.ok());
  size_t pos = models->body.find("\"events_total\":");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_GE(std::stoull(models->body.substr(pos + 15)), acknowledged.size());
}

}  // namespace
}  // namespace recd
