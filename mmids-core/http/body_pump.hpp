#pragma once
// Internal to the server: writes one streaming response (body_stream.hpp) on a connection's
// stream. One write at a time: bytes are asked from the BodyStream only when the previous
// write completed, and wake-ups are posted and coalesced, so packets arriving together
// leave in one gathered write. Each write is bounded by a deadline; meanwhile a read
// watches for the peer closing (a player that went away is noticed even when the stream
// is quiet). Any failure ends the connection through `close_connection`.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/http/beast_message.hpp"
#include "mmids-core/http/body_stream.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace mmids::http {

template <class Stream>
class BodyPump : public std::enable_shared_from_this<BodyPump<Stream>> {
 public:
  using CloseConnection = std::function<void(std::string_view reason)>;

  // `owner` (the connection, which owns the stream and this pump) is kept alive by every
  // pending operation; `close_connection` is called at most once per failure.
  BodyPump(Stream& stream, std::shared_ptr<BodyStream> body, BeastResponseHead head, std::chrono::seconds write_timeout,
           std::weak_ptr<void> owner, CloseConnection close_connection)
      : stream_(stream),
        body_(std::move(body)),
        head_(std::move(head)),
        chunked_(head_.chunked()),
        write_timeout_(write_timeout),
        deadline_timer_(stream.get_executor()),
        owner_(std::move(owner)),
        close_connection_(std::move(close_connection)) {}

  void start() {
    serializer_.emplace(head_);
    begin_write();
    boost::beast::http::async_write_header(
        stream_, *serializer_, [self = this->shared_from_this(), owner = owner_.lock()](boost::beast::error_code ec, size_t) {
          self->end_write();
          if (ec) return self->fail("write failed: " + ec.message());
          self->watch_for_close();
          self->body_->started(BodyStream::Control{
              [weak = self->weak_from_this()] {
                if (auto pump = weak.lock()) pump->wake();
              },
              [weak = self->weak_from_this()] {
                if (auto pump = weak.lock()) pump->fail("closed by the stream");
              }});
          self->pump();
        });
  }

  // The connection is closing: the body hears it once.
  void closed(std::string_view reason) {
    finished_ = true;
    deadline_timer_.cancel();
    if (auto body = std::move(body_)) body->closed(reason);
  }

 private:
  void wake() {
    if (wake_posted_ || finished_) return;
    wake_posted_ = true;
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), owner = owner_.lock()] {
      self->wake_posted_ = false;
      self->pump();
    });
  }

  void pump() {
    if (writing_ || finished_ || !body_) return;
    spans_.clear();
    const bool more = body_->next(spans_);
    size_t bytes = 0;
    for (const auto& span : spans_) bytes += span.size();
    if (bytes == 0 && more) return;  // nothing yet: wake() brings us back
    buffers_.clear();
    if (chunked_ && bytes > 0) {
      const int length = std::snprintf(chunk_size_.data(), chunk_size_.size(), "%zx\r\n", bytes);
      buffers_.emplace_back(chunk_size_.data(), static_cast<size_t>(length));
    }
    for (const auto& span : spans_) buffers_.emplace_back(span.data(), span.size());
    if (chunked_ && bytes > 0) buffers_.emplace_back("\r\n", 2);
    if (chunked_ && !more) buffers_.emplace_back("0\r\n\r\n", 5);
    begin_write();
    asio::async_write(stream_, buffers_,
                      [self = this->shared_from_this(), owner = owner_.lock(), more](boost::beast::error_code ec, size_t) {
                        self->end_write();
                        if (ec) return self->fail("write failed: " + ec.message());
                        if (!more) return self->fail("the body ended");
                        self->pump();
                      });
  }

  // One timer serves every write: armed at the first write, it re-arms itself while
  // writes keep completing in time, and closes the connection when one does not.
  void begin_write() {
    writing_ = true;
    write_deadline_ = std::chrono::steady_clock::now() + write_timeout_;
    if (!timer_armed_) arm_timer();
  }

  void arm_timer() {
    timer_armed_ = true;
    deadline_timer_.expires_at(write_deadline_);
    deadline_timer_.async_wait([weak = this->weak_from_this()](boost::beast::error_code ec) {
      auto self = weak.lock();
      if (!self) return;
      self->timer_armed_ = false;
      if (ec || !self->writing_ || self->finished_) return;
      if (std::chrono::steady_clock::now() < self->write_deadline_) return self->arm_timer();  // a later write
      self->fail("write timed out after " + std::to_string(self->write_timeout_.count()) + " s");
    });
  }

  void end_write() { writing_ = false; }

  void watch_for_close() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this(), owner = owner_.lock()](boost::beast::error_code ec, size_t) {
                              if (ec) return self->fail(ec == boost::beast::http::error::end_of_stream ||
                                                                ec == asio::error::eof
                                                            ? "closed by the peer"
                                                            : "read failed: " + ec.message());
                              self->watch_for_close();  // a pipelined request: ignored, the stream goes on
                            });
  }

  void fail(const std::string& reason) {
    if (finished_) return;
    close_connection_(reason);  // calls closed()
  }

  Stream& stream_;
  std::shared_ptr<BodyStream> body_;
  BeastResponseHead head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> serializer_;
  const bool chunked_;
  const std::chrono::seconds write_timeout_;
  asio::steady_timer deadline_timer_;
  std::chrono::steady_clock::time_point write_deadline_{};
  std::weak_ptr<void> owner_;
  CloseConnection close_connection_;
  BodyStream::Spans spans_;
  std::vector<asio::const_buffer> buffers_;
  std::array<char, 20> chunk_size_{};
  std::array<char, 512> scratch_{};
  bool writing_ = false;
  bool timer_armed_ = false;
  bool wake_posted_ = false;
  bool finished_ = false;
};

}  // namespace mmids::http
