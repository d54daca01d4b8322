#include "server/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "server/json_codec.h"

namespace recd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);

class Session : public EventStream, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const HttpHandler& handler, const HttpServerOptions& options,
          asio::thread_pool& blocking_pool)
      : stream_(std::move(socket)), handler_(handler), options_(options), blocking_pool_(blocking_pool) {}

  void Run() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

  // ---- event stream (after StartStream) ----

  void Send(std::string message) override {
    asio::post(stream_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
      self->pending_ = std::move(message);
      self->has_pending_ = true;
      self->WriteNext();
    });
  }
  bool open() const override { return open_.load(); }
  void End() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->EndStream(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  // Clients sending large bodies (curl above 1 MiB) wait for "100 Continue" before the body.
  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnRead(ec, 0);
    auto read_body = [self = shared_from_this()] {
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       beast::bind_front_handler(&Session::OnRead, self));
    };
    if (!beast::iequals(parser_->get()[http::field::expect], "100-continue")) return read_body();
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                   parser_->get().version());
    http::async_write(stream_, *cont, [self = shared_from_this(), cont, read_body](beast::error_code wec, std::size_t) {
      if (wec) return self->Close();
      read_body();
    });
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec) {
      Status st = ec == http::error::body_limit
                      ? Status::PayloadTooLarge("body: larger than " + std::to_string(options_.max_body_bytes) + " bytes")
                      : Status::InvalidArgument("malformed HTTP request: " + ec.message());
      HttpResponse res;
      res.status = ec == http::error::body_limit ? 413 : 400;
      res.body = json::ErrorBody(st);
      return Respond(res, /*keep_alive=*/false, /*version=*/11);
    }
    const auto& req = parser_->get();
    HttpRequest request{
        std::string_view(req.method_string().data(), req.method_string().size()),
        std::string_view(req.target().data(), req.target().size()),
        req.body(),
        std::string_view(req[http::field::content_type].data(), req[http::field::content_type].size()),
        std::string_view(req["Last-Event-ID"].data(), req["Last-Event-ID"].size()),
        [&req](std::string_view name) {
          auto v = req[beast::string_view(name.data(), name.size())];
          return std::string_view(v.data(), v.size());
        }};
    const bool keep_alive = req.keep_alive();
    const unsigned version = req.version();
    if (options_.is_blocking && options_.is_blocking(request)) {
      // The request's views stay valid: the parser is not reused before the response is sent.
      asio::post(blocking_pool_, [self = shared_from_this(), request, keep_alive, version] {
        auto res = std::make_shared<HttpResponse>();
        self->handler_(request, *res);
        asio::dispatch(self->stream_.get_executor(), [self, res, keep_alive, version] {
          self->Respond(*res, keep_alive, version);
        });
      });
      return;
    }
    HttpResponse res;
    handler_(request, res);
    Respond(res, keep_alive, version);
  }

  void Respond(HttpResponse& res, bool keep_alive, unsigned version) {
    if (res.on_stream) return StartStream(res);
    auto msg = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(res.status), version);
    msg->set(http::field::server, "recd");
    msg->set(http::field::content_type, res.content_type);
    msg->keep_alive(keep_alive);
    msg->body() = std::move(res.body);
    msg->prepare_payload();
    http::async_write(stream_, *msg,
                      [self = shared_from_this(), msg, keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // On the strand: the event stream is over (client gone, too slow, or closed by the server).
  void EndStream() {
    open_ = false;
    heartbeat_.cancel();
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  // The connection becomes an event stream: headers without a length (the body ends when the
  // connection does), then messages as they come. A read that only ever ends tells when the
  // client has gone; a timer sends heartbeats.
  void StartStream(HttpResponse& res) {
    stream_.expires_never();
    pending_ =
        "HTTP/1.1 200 OK\r\nServer: recd\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: close\r\nX-Accel-Buffering: no\r\n\r\n";  // the body ends with the connection
    has_pending_ = true;
    WriteNext();
    open_ = true;
    auto self = shared_from_this();
    res.on_stream(self);
    // Anything from the client, or its close, ends the stream.
    stream_.socket().async_read_some(asio::buffer(discard_), [self](beast::error_code, std::size_t) { self->EndStream(); });
    Heartbeat();
  }

  void Heartbeat() {
    heartbeat_.expires_after(HeartbeatPeriod());
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->open_) return;
      // A write still in flight since before the previous heartbeat: the client stopped reading.
      if (self->writing_ && self->write_started_ < std::chrono::steady_clock::now() - 2 * self->HeartbeatPeriod()) {
        return self->EndStream();
      }
      if (!self->writing_ && !self->has_pending_) {
        self->pending_ = ": heartbeat\n\n";
        self->has_pending_ = true;
        self->WriteNext();
      }
      self->Heartbeat();
    });
  }

  std::chrono::seconds HeartbeatPeriod() const { return std::chrono::seconds(std::max(1, options_.heartbeat_seconds)); }

  // On the strand: writes the pending message unless a write is in flight.
  void WriteNext() {
    if (writing_ || !has_pending_ || !stream_.socket().is_open()) return;
    writing_ = true;
    write_started_ = std::chrono::steady_clock::now();
    has_pending_ = false;
    current_ = std::move(pending_);
    asio::async_write(stream_.socket(), asio::buffer(current_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->EndStream();
      self->WriteNext();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpHandler& handler_;
  const HttpServerOptions& options_;
  asio::thread_pool& blocking_pool_;
  // Event stream state, touched on the strand only (open_ from anywhere).
  std::string pending_, current_;
  bool has_pending_ = false, writing_ = false;
  std::chrono::steady_clock::time_point write_started_;
  std::atomic<bool> open_{false};
  asio::steady_timer heartbeat_{stream_.get_executor()};
  char discard_[64];
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpHandler handler, HttpServerOptions options)
      : handler_(std::move(handler)),
        options_(std::move(options)),
        blocking_pool_(static_cast<size_t>(std::max(1, options_.blocking_threads))),
        acceptor_(asio::make_strand(ioc_)) {}

  Status Listen(const std::string& host_port) {
    size_t colon = host_port.rfind(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument("listen address '" + host_port + "': expected HOST:PORT");
    }
    std::string host = host_port.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned long port = 0;
    try {
      size_t used = 0;
      port = std::stoul(host_port.substr(colon + 1), &used);
      if (used != host_port.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
    } catch (const std::exception&) {
      return Status::InvalidArgument("listen address '" + host_port + "': bad port");
    }
    beast::error_code ec;
    asio::ip::address address = asio::ip::make_address(host, ec);
    if (ec) return Status::InvalidArgument("listen address '" + host_port + "': bad host: " + ec.message());
    tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IOError("cannot listen on " + host_port + ": " + ec.message());
    return Status::OK();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void Start(int threads) {
    Accept();
    for (int i = 0; i < std::max(1, threads); ++i) pool_.emplace_back([this] { ioc_.run(); });
  }

  void Stop() {
    ioc_.stop();
    for (auto& t : pool_) t.join();
    pool_.clear();
    blocking_pool_.join();  // let handlers in flight finish; their responses are dropped
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), handler_, options_, blocking_pool_)->Run();
      }
      if (acceptor_.is_open()) Accept();
    });
  }

  HttpHandler handler_;
  HttpServerOptions options_;
  asio::thread_pool blocking_pool_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> pool_;
};

HttpServer::HttpServer(HttpHandler handler, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {}
HttpServer::~HttpServer() { impl_->Stop(); }
Status HttpServer::Listen(const std::string& host_port) { return impl_->Listen(host_port); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Start(int threads) { impl_->Start(threads); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace recd
