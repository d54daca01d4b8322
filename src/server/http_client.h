// HttpClient: a minimal blocking HTTP/1.1 keep-alive client on Boost.Beast, for tests,
// benchmarks and scripts that talk to a running recd.
//
// Thread safety: one client per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "recd/status.h"

namespace recd {

struct HttpResult {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();

  // Sends one request on the kept-alive connection (reconnecting if needed). IOError when the
  // server cannot be reached.
  Result<HttpResult> Request(const std::string& method, const std::string& target,
                             const std::string& body = "",
                             const std::string& content_type = "application/json");
  Result<HttpResult> Get(const std::string& target) { return Request("GET", target); }
  Result<HttpResult> Post(const std::string& target, const std::string& body) {
    return Request("POST", target, body);
  }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recd
