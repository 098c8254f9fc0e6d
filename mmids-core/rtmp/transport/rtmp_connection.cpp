#include "mmids-core/rtmp/transport/rtmp_connection.hpp"

namespace mmids::rtmp {
namespace {

// Every plain connection of a thread reads into this one buffer: RtmpTransport::read_some
// fills it synchronously just before it returns, and run() hands the bytes to on_bytes()
// before it suspends again, so no two connections use it at once. A connection then holds
// no read buffer while it waits, which is nearly always for a viewer or an idle socket.
constexpr size_t kThreadReadBuffer = 64 * 1024;

asio::mutable_buffer thread_read_buffer() {
  thread_local std::vector<uint8_t> buffer(kThreadReadBuffer);
  return asio::buffer(buffer);
}

}  // namespace

RtmpConnection::~RtmpConnection() {
  if (transport_) transport_->close();
}

void RtmpConnection::attach(std::shared_ptr<RtmpTransport> transport, bool tls_server) {
  transport_ = std::move(transport);
  if (closed_) {
    transport_->close();
    return;
  }
  asio::co_spawn(transport_->executor(),
                 [self = shared_from_this(), tls_server]() { return self->run(tls_server); }, asio::detached);
}

void RtmpConnection::set_read_buffer_size(size_t bytes) { wanted_read_buffer_ = bytes; }

asio::awaitable<void> RtmpConnection::run(bool tls_server) {
  auto self = shared_from_this();
  if (auto status = co_await transport_->tls_handshake(tls_server); !status.ok()) {
    close("TLS handshake failed: " + status.error());
    co_return;
  }
  if (closed_) co_return;
  on_started();
  request_flush();
  while (!closed_) {
    asio::mutable_buffer target = read_target();
    auto read = co_await transport_->read_some(target);
    if (closed_) co_return;
    if (!read.ok()) {
      close(read.error());
      co_return;
    }
    if (auto status = on_bytes(std::span<const uint8_t>(static_cast<const uint8_t*>(target.data()), *read));
        !status.ok()) {
      close(status.error());
      co_return;
    }
    request_flush();
  }
}

asio::mutable_buffer RtmpConnection::read_target() {
  if (!transport_->is_tls()) return thread_read_buffer();
  if (read_buffer_.size() != wanted_read_buffer_) {
    // Resized here, between reads: on_bytes() may ask while it reads the buffer.
    read_buffer_ = std::vector<uint8_t>(wanted_read_buffer_);
  }
  return asio::buffer(read_buffer_);
}

void RtmpConnection::request_flush() {
  if (closed_ || write_in_flight_ || !transport_) return;
  write_next();
}

void RtmpConnection::request_batched_flush() {
  if (closed_ || batch_scheduled_ || !transport_) return;
  auto batcher = batcher_.lock();
  if (!batcher) return request_flush();
  batch_scheduled_ = true;
  batcher->schedule(shared_from_this());
}

void RtmpConnection::flush_soon() {
  if (closed_ || !transport_) return;
  asio::post(transport_->executor(), [self = shared_from_this()] { self->request_flush(); });
}

void RtmpConnection::batch_due() {
  batch_scheduled_ = false;
  request_flush();
}

void RtmpConnection::write_next() {
  writing_.clear();
  collect_output(writing_);
  if (writing_.empty()) {
    if (close_after_flush_) close(*close_after_flush_);
    return;
  }
  write_in_flight_ = true;
  transport_->write(writing_, [self = shared_from_this()](Status status) {
    self->write_in_flight_ = false;
    if (self->closed_) return;
    if (!status.ok()) return self->close(status.error());
    if (self->batch_scheduled_) return;  // the batcher's tick writes what came meanwhile
    self->write_next();
  });
}

void RtmpConnection::close_when_flushed(std::string reason) {
  if (closed_ || close_after_flush_) return;
  close_after_flush_ = std::move(reason);
  request_flush();
}

void RtmpConnection::close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  if (transport_) transport_->close();
  on_closed(std::string(reason));
}

}  // namespace mmids::rtmp
