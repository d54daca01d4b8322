#include "server/http_client.h"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <optional>

namespace recd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpClient::Impl {
 public:
  Impl(std::string host, uint16_t port, HttpClientOptions options)
      : host_(std::move(host)), port_(port), plain_(ioc_) {
    if (!options.tls) return;
    tls_context_.emplace(asio::ssl::context::tls_client);
    tls_context_->set_default_verify_paths();
    tls_context_->set_verify_mode(asio::ssl::verify_peer);
    if (!options.ca_file.empty()) {
      beast::error_code ec;
      tls_context_->load_verify_file(options.ca_file, ec);
      if (ec) setup_error_ = Status::InvalidArgument("ca_file '" + options.ca_file + "': " + ec.message());
    }
  }

  Result<HttpResult> Request(const std::string& method, const std::string& target, const std::string& body,
                             const std::string& content_type,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             std::chrono::milliseconds timeout) {
    RECD_RETURN_IF_ERROR(setup_error_);
    // One retry on a fresh connection, only when a kept-alive connection turned out closed
    // before the request was sent: a request that may have reached the server is never resent.
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = connected_;
      if (!connected_) RECD_RETURN_IF_ERROR(Connect(timeout));
      http::request<http::string_body> req(http::string_to_verb(method), target, 11);
      req.set(http::field::host, host_);
      req.keep_alive(true);
      for (const auto& [name, value] : headers) req.set(name, value);
      if (!body.empty() || method == "POST" || method == "PUT") {
        req.set(http::field::content_type, content_type);
        req.body() = body;
        req.prepare_payload();
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(uint64_t{1} << 30);
      bool sent = false;
      beast::error_code ec = tls_ ? Exchange(*tls_, req, parser, timeout, &sent) : Exchange(plain_, req, parser, timeout, &sent);
      if (ec) {
        Close();
        // Unsent: safe to retry. Sent: only a GET is safe to repeat; anything else may already
        // have taken effect.
        if (reused && attempt == 0 && (!sent || method == "GET")) continue;
        return Status::IOError(method + " " + target + ": " + ec.message());
      }
      auto res = parser.release();
      if (!res.keep_alive()) Close();
      return HttpResult{static_cast<int>(res.result_int()), std::move(res.body())};
    }
    return Status::IOError("unreachable");
  }

 private:
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  // Runs the operation just started to completion (or to its timeout).
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  // Connects (and for TLS, verifies the server's certificate for host_ and handshakes), each
  // step bounded by `timeout`.
  Status Connect(std::chrono::milliseconds timeout) {
    const std::string where = host_ + ":" + std::to_string(port_);
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) return Status::IOError("cannot resolve " + where + ": " + ec.message());
    if (tls_context_) tls_ = std::make_unique<TlsStream>(ioc_, *tls_context_);
    beast::tcp_stream& tcp = tls_ ? beast::get_lowest_layer(*tls_) : plain_;
    tcp.expires_after(timeout);
    tcp.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    Run();
    if (ec) return Status::IOError("cannot connect to " + where + ": " + ec.message());
    tcp.socket().set_option(tcp::no_delay(true));
    if (tls_) {
      if (!SSL_set_tlsext_host_name(tls_->native_handle(), host_.c_str())) {
        return Status::IOError("TLS to " + where + ": cannot set the server name");
      }
      tls_->set_verify_callback(asio::ssl::host_name_verification(host_));
      tcp.expires_after(timeout);
      tls_->async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
      Run();
      if (ec) {
        Close();
        return Status::IOError("TLS handshake with " + where + ": " + ec.message());
      }
    }
    connected_ = true;
    return Status::OK();
  }

  // Writes `req` and reads the response, each bounded by `timeout` (asynchronous under the
  // hood, so that Beast's timer applies). *sent tells whether the request went out whole.
  template <typename Stream>
  beast::error_code Exchange(Stream& stream, http::request<http::string_body>& req,
                             http::response_parser<http::string_body>& parser, std::chrono::milliseconds timeout,
                             bool* sent) {
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(timeout);
    http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    Run();
    if (ec) return ec;
    *sent = true;
    beast::get_lowest_layer(stream).expires_after(timeout);
    http::async_read(stream, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    Run();
    return ec;
  }

  void Close() {
    beast::error_code ec;
    if (tls_) {
      beast::get_lowest_layer(*tls_).socket().close(ec);
      tls_.reset();  // a TLS stream is not reused after its connection
    } else {
      plain_.socket().close(ec);
    }
    buffer_.clear();
    connected_ = false;
  }

  std::string host_;
  uint16_t port_;
  asio::io_context ioc_;
  beast::tcp_stream plain_;
  std::optional<asio::ssl::context> tls_context_;  // set for https
  std::unique_ptr<TlsStream> tls_;                 // the current TLS connection
  Status setup_error_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

HttpClient::HttpClient(std::string host, uint16_t port, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(host), port, std::move(options))) {}
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
