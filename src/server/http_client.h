// HttpClient: a minimal blocking HTTP/1.1 keep-alive client on Boost.Beast, over plain TCP or
// TLS (OpenSSL; the server's certificate is verified against the system's CAs, plus a CA file
// if given, and its name). Used by tests, benchmarks and the webhook sender.
//
// Thread safety: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "recd/status.h"

namespace recd {

struct HttpResult {
  int status = 0;
  std::string body;
};

struct HttpClientOptions {
  bool tls = false;     // https
  std::string ca_file;  // PEM file of further CAs to trust (tls), e.g. a private CA
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, HttpClientOptions options = {});
  ~HttpClient();

  // Sends one request on the kept-alive connection (reconnecting if needed). IOError when the
  // server cannot be reached.
  // `headers` are sent as well; a request taking longer than `timeout` fails with IOError.
  Result<HttpResult> Request(const std::string& method, const std::string& target,
                             const std::string& body = "",
                             const std::string& content_type = "application/json",
                             const std::vector<std::pair<std::string, std::string>>& headers = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  Result<HttpResult> Get(const std::string& target) { return Request("GET", target); }
  Result<HttpResult> Post(const std::string& target, const std::string& body) {
    return Request("POST", target, body);
  }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// One message of an event stream; a comment line (": heartbeat") gives `comment`.
struct SseMessage {
  std::string id, event, data, comment;
};

// SseClient: GET `target` as an event stream (text/event-stream), read message by message.
class SseClient {
 public:
  ~SseClient();
  // Connects and reads the response headers; IOError if that fails or the status is not 200.
  static Result<std::unique_ptr<SseClient>> Open(const std::string& host, uint16_t port, const std::string& target,
                                                 const std::string& last_event_id = "");
  // The next message; Unavailable if none arrives within `timeout`, IOError once the stream ends.
  Result<SseMessage> Next(std::chrono::milliseconds timeout);

 private:
  SseClient();
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recd
