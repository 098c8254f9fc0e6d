#pragma once
// mmids-core/http: a response body made over time (HTTP-FLV: a file that never ends). A
// handler answers with Response::streaming(...); the server sends the head (chunked for
// HTTP/1.1, close-delimited for 1.0), then asks the stream for bytes only when the socket
// has taken the previous ones: backpressure, so a slow client costs the stream's own
// bounded queue and never the server's memory. Each write is bounded by the server's
// idle_timeout; a client that does not read in time is closed.
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

namespace mmids::http {

class BodyStream {
 public:
  using Spans = std::vector<std::span<const uint8_t>>;

  // What the server gives the stream once the head is written. Both hold the connection
  // weakly: calls after it closed do nothing. Call them on the server's io thread.
  struct Control {
    std::function<void()> wake;   // bytes are ready: the server will call next() (posted)
    std::function<void()> close;  // end the connection now (the stream's own policy)
  };

  virtual ~BodyStream() = default;

  // The head is on the wire; the stream may call control.wake from now on.
  virtual void started(Control control) = 0;
  // The socket can take more: append the next bytes to `out`. They must stay valid until
  // the next call of next() or closed(). Nothing appended: nothing yet, the server waits
  // for wake(). Returns false when the body ends after what was appended.
  virtual bool next(Spans& out) = 0;
  // The connection is gone (the peer closed it, a write timed out, the server stopped, or
  // close() was called). Called once, and never from inside next().
  virtual void closed(std::string_view reason) = 0;
};

}  // namespace mmids::http
