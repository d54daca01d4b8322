// HttpServer: a small asynchronous HTTP/1.1 server on Boost.Beast. Keep-alive, a pool of
// threads running one io_context, a body-size limit (413), 100-continue, server-sent-event
// streams, and a handler called for each complete request: inline on an I/O thread, or on a
// separate pool for requests the caller marks as blocking. It knows nothing of recd's routes:
// see routes.h.
//
// Thread safety: Start/Stop from one thread; the handler is called concurrently from the pool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "recd/status.h"

namespace recd {

struct HttpRequest {
  std::string_view method;  // "GET", "POST", ...
  std::string_view target;  // path and query, as sent
  std::string_view body;
  std::string_view content_type;
  std::string_view last_event_id;  // the Last-Event-ID header of a reconnecting event stream
  // Any header by name ("" when absent); valid while the handler runs.
  std::function<std::string_view(std::string_view)> header;
};

// A response kept open as a server-sent-event stream (text/event-stream). Send may be called
// from any thread and never blocks: while a write is in flight only the newest message waits
// (a slow client skips messages, it never holds the sender up). Heartbeat comments are sent
// when the stream is otherwise quiet; a client that has not taken a message for two heartbeat
// periods is disconnected. Once the client goes away, open() turns false.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // `message`: whole SSE fields, e.g. "id: 7\nevent: recommendations\ndata: {...}\n\n".
  virtual void Send(std::string message) = 0;
  // Ends the stream (what is still queued may not be sent).
  virtual void End() = 0;
  virtual bool open() const = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Set by a handler to answer with an event stream instead of a body: called with the stream
  // once its headers are on their way; the stream stays open until the client closes it.
  std::function<void(std::shared_ptr<EventStream>)> on_stream;
};

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct HttpServerOptions {
  uint64_t max_body_bytes = 16u << 20;  // larger bodies get 413
  // Requests for which this returns true (those that wait on fsync or a build) run on a pool of
  // `blocking_threads`, so they neither stall the I/O threads nor each other: concurrent writes
  // then meet in one group commit.
  std::function<bool(const HttpRequest&)> is_blocking;
  int blocking_threads = 16;
  int heartbeat_seconds = 15;  // a comment on a quiet event stream, so proxies keep it open
};

class HttpServer {
 public:
  HttpServer(HttpHandler handler, HttpServerOptions options);
  ~HttpServer();

  // Binds and listens on "HOST:PORT" (port 0 picks a free one). InvalidArgument for a malformed
  // address, IOError if the port cannot be bound.
  Status Listen(const std::string& host_port);
  uint16_t port() const;
  // Starts `threads` threads serving connections; returns at once.
  void Start(int threads);
  // Stops accepting, closes connections and joins the threads.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recd
