#include "server/http_client.h"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace recd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpClient::Impl {
 public:
  Impl(std::string host, uint16_t port) : host_(std::move(host)), port_(port), stream_(ioc_) {}

  Result<HttpResult> Request(const std::string& method, const std::string& target, const std::string& body,
                             const std::string& content_type,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             std::chrono::milliseconds timeout) {
    // One retry on a fresh connection, only when a kept-alive connection turned out closed
    // before the request was sent: a request that may have reached the server is never resent.
    for (int attempt = 0; attempt < 2; ++attempt) {
      beast::error_code ec;
      const bool reused = connected_;
      if (!connected_) {
        tcp::resolver resolver(ioc_);
        auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
        if (!ec) {
          stream_.expires_after(timeout);
          stream_.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
          Run();
        }
        if (ec) return Status::IOError("cannot connect to " + host_ + ":" + std::to_string(port_) + ": " + ec.message());
        stream_.socket().set_option(tcp::no_delay(true));
        connected_ = true;
      }
      http::request<http::string_body> req(http::string_to_verb(method), target, 11);
      req.set(http::field::host, host_);
      req.keep_alive(true);
      for (const auto& [name, value] : headers) req.set(name, value);
      if (!body.empty() || method == "POST" || method == "PUT") {
        req.set(http::field::content_type, content_type);
        req.body() = body;
        req.prepare_payload();
      }
      // Asynchronous under the hood, so that Beast's timer bounds each step by `timeout`.
      stream_.expires_after(timeout);
      http::async_write(stream_, req, [&](beast::error_code e, std::size_t) { ec = e; });
      Run();
      if (ec) {
        Close();
        if (reused && attempt == 0) continue;
        return Status::IOError(method + " " + target + ": " + ec.message());
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(uint64_t{1} << 30);
      stream_.expires_after(timeout);
      http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
      Run();
      if (ec) {
        Close();
        // A GET is safe to repeat; anything else may already have taken effect.
        if (reused && attempt == 0 && method == "GET") continue;
        return Status::IOError(method + " " + target + ": " + ec.message());
      }
      auto res = parser.release();
      if (!res.keep_alive()) Close();
      return HttpResult{static_cast<int>(res.result_int()), std::move(res.body())};
    }
    return Status::IOError("unreachable");
  }

 private:
  // Runs the operation just started to completion (or to its timeout).
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().close(ec);
    buffer_.clear();
    connected_ = false;
  }

  std::string host_;
  uint16_t port_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

HttpClient::HttpClient(std::string host, uint16_t port) : impl_(std::make_unique<Impl>(std::move(host), port)) {}
HttpClient::~HttpClient() = default;
Result<HttpResult> HttpClient::Request(const std::string& method, const std::string& target,
                                       const std::string& body, const std::string& content_type,
                                       const std::vector<std::pair<std::string, std::string>>& headers,
                                       std::chrono::milliseconds timeout) {
  return impl_->Request(method, target, body, content_type, headers, timeout);
}

class SseClient::Impl {
 public:
  Impl() : socket_(ioc_) {}

  Status Open(const std::string& host, uint16_t port, const std::string& target, const std::string& last_event_id) {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    asio::connect(socket_, resolver.resolve(host, std::to_string(port), ec), ec);
    if (ec) return Status::IOError("cannot connect to " + host + ":" + std::to_string(port) + ": " + ec.message());
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n";
    if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
    asio::write(socket_, asio::buffer(req + "\r\n"), ec);
    if (ec) return Status::IOError("GET " + target + ": " + ec.message());
    // Headers up to the blank line.
    while (buffer_.find("\r\n\r\n") == std::string::npos) {
      Status st = ReadMore(std::chrono::seconds(10));
      if (!st.ok()) return st;
    }
    const size_t end = buffer_.find("\r\n\r\n");
    const std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    if (head.rfind("HTTP/1.1 200", 0) != 0) return Status::IOError("GET " + target + ": " + head.substr(0, head.find('\r')));
    return Status::OK();
  }

  Result<SseMessage> Next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.find("\n\n") == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Status::Unavailable("no event within the timeout");
      Status st = ReadMore(left);
      if (!st.ok()) return st;
    }
    const size_t end = buffer_.find("\n\n");
    std::string block = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    SseMessage m;
    size_t start = 0;
    while (start <= block.size()) {
      size_t nl = std::min(block.find('\n', start), block.size());
      std::string line = block.substr(start, nl - start);
      start = nl + 1;
      const size_t colon = line.find(':');
      const std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field.empty()) m.comment = value;
      if (field == "id") m.id = value;
      if (field == "event") m.event = value;
      if (field == "data") m.data += (m.data.empty() ? "" : "\n") + value;
    }
    return m;
  }

 private:
  Status ReadMore(std::chrono::milliseconds timeout) {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
    if (ready == 0) return Status::Unavailable("no event within the timeout");
    char chunk[4096];
    beast::error_code ec;
    const size_t n = socket_.read_some(asio::buffer(chunk), ec);
    if (ec) return Status::IOError("event stream: " + ec.message());
    buffer_.append(chunk, n);
    return Status::OK();
  }

  asio::io_context ioc_;
  tcp::socket socket_;
  std::string buffer_;
};

SseClient::SseClient() : impl_(std::make_unique<Impl>()) {}
SseClient::~SseClient() = default;

Result<std::unique_ptr<SseClient>> SseClient::Open(const std::string& host, uint16_t port, const std::string& target,
                                                   const std::string& last_event_id) {
  std::unique_ptr<SseClient> client(new SseClient());
  RECD_RETURN_IF_ERROR(client->impl_->Open(host, port, target, last_event_id));
  return client;
}

Result<SseMessage> SseClient::Next(std::chrono::milliseconds timeout) { return impl_->Next(timeout); }

}  // namespace recd
