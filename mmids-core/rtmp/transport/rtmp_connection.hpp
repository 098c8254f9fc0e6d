#pragma once
// RtmpConnection: the I/O of one RTMP connection, server or client side, under its
// dialogue: reads bytes and hands them to on_bytes(); writes whatever collect_output()
// gives, one scatter/gather write at a time; closes once, with one reason, logged by the
// subclass in on_closed(). Server connections and the pull client derive from it, so the
// read loop, the write path and the deadlines exist once. With a WriteBatcher, media is
// written in merged writes: what is queued within one batch interval leaves in one
// gathered write (request_batched_flush).
//
// Lifetime: owned by shared_ptr; every pending read, write or posted call holds it
// (Beast's idiom), so it lives exactly as long as there is something to do for it.
#include "mmids-core/rtmp/transport/rtmp_transport.hpp"
#include "mmids-core/rtmp/transport/write_batcher.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mmids::rtmp {

class RtmpConnection : public std::enable_shared_from_this<RtmpConnection> {
 public:
  virtual ~RtmpConnection();
  RtmpConnection(const RtmpConnection&) = delete;
  RtmpConnection& operator=(const RtmpConnection&) = delete;

  // Closes now: pending I/O fails, on_closed(reason) runs once. Idempotent.
  void close(std::string_view reason);
  // Closes once everything queued so far has been written (a refusal the peer must read).
  void close_when_flushed(std::string reason);
  // Something was queued: write it (at once if no write is in flight, else right after).
  void request_flush();
  // Media was queued: with a write batcher, written at its next tick together with
  // whatever else is queued by then (and a write finishing meanwhile leaves it to the
  // tick); without one, as request_flush().
  void request_batched_flush();
  // Writes what is queued once the current handler returns, without waiting for the
  // batcher: what one call queues (a GOP replay) leaves in one write, promptly.
  void flush_soon();
  // The write batcher's tick (WriteBatcher only).
  void batch_due();

  [[nodiscard]] bool closed() const { return closed_; }
  // Null until attach().
  [[nodiscard]] RtmpTransport* transport() { return transport_.get(); }

 protected:
  RtmpConnection() = default;

  // Takes the connected transport and starts: TLS handshake (when TLS; `tls_server` picks
  // the side), then `on_started()`, then reading. A connection closed before attach()
  // closes the transport at once.
  void attach(std::shared_ptr<RtmpTransport> transport, bool tls_server);
  // A TLS connection's read buffer, its own, from the next read on: small until the
  // handshake is done (an idle connection costs little), larger for publishers. Plain
  // connections read into their thread's shared buffer and keep none.
  void set_read_buffer_size(size_t bytes);
  // Merged writes from now on; null: every request writes at once.
  void set_write_batcher(std::shared_ptr<WriteBatcher> batcher) { batcher_ = std::move(batcher); }

  virtual void on_started() {}
  // Received bytes; an error closes the connection with it as the reason.
  virtual Status on_bytes(std::span<const uint8_t> bytes) = 0;
  // Appends what should be written next (nothing: idle until the next request_flush()).
  virtual void collect_output(ChunkWriteBatch& batch) = 0;
  // Once, after the transport is closed.
  virtual void on_closed(const std::string& reason) = 0;

 private:
  asio::awaitable<void> run(bool tls_server);
  // Where the next read goes: the thread's shared buffer, or a TLS connection's own.
  asio::mutable_buffer read_target();
  void write_next();

  std::shared_ptr<RtmpTransport> transport_;
  static constexpr size_t kHandshakeReadBuffer = 2048;  // C0+C1 is 1537 bytes
  std::vector<uint8_t> read_buffer_;  // TLS only, made at the first read
  size_t wanted_read_buffer_ = kHandshakeReadBuffer;
  ChunkWriteBatch writing_;  // the batch in flight (reused)
  bool write_in_flight_ = false;
  // Weak: the batcher holds the connections it will flush, and a cycle would outlive a
  // stopped io_context. No batcher (or none left): every request writes at once.
  std::weak_ptr<WriteBatcher> batcher_;
  bool batch_scheduled_ = false;  // asked the batcher; its tick has not come yet
  bool closed_ = false;
  std::optional<std::string> close_after_flush_;
};

}  // namespace mmids::rtmp
