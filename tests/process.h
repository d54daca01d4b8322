// Runs `recd serve` as a child process on a free loopback port, for tests that kill it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "server/http_client.h"

namespace recd::testing {

// A port that was free a moment ago (bind to 0, read it back, release it).
inline uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class ServerProcess {
 public:
  ServerProcess(std::string data_dir, uint16_t port) : data_dir_(std::move(data_dir)), port_(port) {}
  ~ServerProcess() { Kill(SIGKILL); }

  // Starts the binary and waits until /readyz answers 200 (false after 30 s).
  bool Start() {
    pid_ = fork();
    if (pid_ == 0) {
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      execl(RECD_BINARY, RECD_BINARY, "serve", "--data-dir", data_dir_.c_str(), "--listen", listen.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    HttpClient client("127.0.0.1", port_);
    for (int i = 0; i < 300; ++i) {
      auto r = client.Get("/readyz");
      if (r.ok() && r->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  void Kill(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  uint16_t port() const { return port_; }

 private:
  std::string data_dir_;
  uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace recd::testing
