#include "server/http_client.h"

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

  Result<HttpResult> Request(const std::string& method, const std::string& target,
                             const std::string& body, const std::string& content_type) {
    // One retry on a fresh connection, only when a kept-alive connection turned out closed
    // before the request was sent: a request that may have reached the server is never resent.
    for (int attempt = 0; attempt < 2; ++attempt) {
      beast::error_code ec;
      const bool reused = connected_;
      if (!connected_) {
        tcp::resolver resolver(ioc_);
        auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
        if (!ec) stream_.connect(endpoints, ec);
        if (ec) return Status::IOError("cannot connect to " + host_ + ":" + std::to_string(port_) + ": " + ec.message());
        stream_.socket().set_option(tcp::no_delay(true));
        connected_ = true;
      }
      http::request<http::string_body> req(http::string_to_verb(method), target, 11);
      req.set(http::field::host, host_);
      req.keep_alive(true);
      if (!body.empty() || method == "POST" || method == "PUT") {
        req.set(http::field::content_type, content_type);
        req.body() = body;
        req.prepare_payload();
      }
      http::write(stream_, req, ec);
      if (ec) {
        Close();
        if (reused && attempt == 0) continue;
        return Status::IOError(method + " " + target + ": " + ec.message());
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(uint64_t{1} << 30);
      http::read(stream_, buffer_, parser, ec);
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
                                       const std::string& body, const std::string& content_type) {
  return impl_->Request(method, target, body, content_type);
}

}  // namespace recd
