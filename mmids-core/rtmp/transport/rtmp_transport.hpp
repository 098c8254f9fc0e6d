#pragma once
// RtmpTransport: one TCP connection, plain or TLS (RTMPS), with deadlines, behind one small
// interface so server connections and the pull client run the same code either way.
//
// Deadlines are the owner's, set per phase (handshake, commands, media):
//  - set_deadline(t, why): every operation must be done by t (the handshake-and-connect
//    bound); `why` is the failure's reason when it passes;
//  - set_read_timeout(d): each read must complete within d of its start (a publisher that
//    sends nothing for publish_timeout, a pull whose upstream went silent);
//  - set_write_timeout(d): each write must complete within d (a viewer that stopped reading).
// One timer serves all three. It is armed at the earliest deadline and, when it fires early
// (a read finished and the next one started since), re-armed: pushing a deadline later
// costs no timer operation, so re-arming on every read of a publisher is free.
// A deadline that passes closes the socket; the operation then fails with the reason
// ("no data for 5000 ms"). Failures are values, never exceptions.
//
// Paced reads (pace_reads, plain sockets): a publisher's messages arrive one small TCP
// segment at a time, and reading each when it arrives costs a wake of the thread, an epoll
// event and a recv per message. A paced connection is read on a clock tick instead: every
// `interval` (ticks aligned on the steady clock, so every paced connection of a thread is
// read in the same turn), all that arrived in between in one recv, and the kernel is told
// (SO_RCVLOWAT) not to wake the thread for bytes below a full read.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/common/result.hpp"
#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"

#include <boost/asio/ssl.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mmids::rtmp {

// Owned by shared_ptr: the deadline timer's handler holds it weakly (docs/architecture.md,
// "Lifetimes").
class RtmpTransport : public std::enable_shared_from_this<RtmpTransport> {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kNoTimeout = Clock::duration::max();

  explicit RtmpTransport(asio::ip::tcp::socket socket);
  RtmpTransport(asio::ip::tcp::socket socket, asio::ssl::context& tls);
  ~RtmpTransport();
  RtmpTransport(const RtmpTransport&) = delete;
  RtmpTransport& operator=(const RtmpTransport&) = delete;

  [[nodiscard]] bool is_tls() const { return tls_ != nullptr; }
  // Client side of TLS: sends `host` as SNI and checks that the server's certificate chain
  // verifies and names `host`. Call before tls_handshake(false).
  void verify_server_as(const std::string& host);

  void set_deadline(Clock::time_point deadline, std::string why = "deadline passed");
  void set_read_timeout(Clock::duration timeout);
  void set_write_timeout(Clock::duration timeout);
  // From the next read on, reads every `interval` instead of when bytes arrive (above);
  // bytes wait at most `interval`. 0: as bytes arrive. Plain sockets only: a TLS transport
  // ignores it.
  void pace_reads(std::chrono::milliseconds interval);

  // The TLS handshake (nothing when plain). `server` picks the side.
  asio::awaitable<Status> tls_handshake(bool server);
  // Reads what has arrived, at most buffer's size. Plain sockets fill `buffer` only at the
  // very end, synchronously, after a readiness wait (or, after a read that filled it, after
  // letting the thread's other work run), so the caller may pass a buffer that every
  // connection of the thread shares if it uses the bytes before it next suspends. TLS reads
  // into `buffer` while the operation is pending: it must be the caller's own.
  asio::awaitable<Result<size_t>> read_some(asio::mutable_buffer buffer);
  // Writes all of `batch` (scatter/gather); `done` runs once, on the socket's executor.
  // The batch must stay untouched until then. One write at a time.
  void write(const ChunkWriteBatch& batch, std::function<void(Status)> done);
  asio::awaitable<Status> write(const ChunkWriteBatch& batch);

  // Closes the socket; pending operations complete with an error. Idempotent.
  void close();
  [[nodiscard]] bool closed() const { return closed_; }
  [[nodiscard]] asio::ip::tcp::socket& socket();
  [[nodiscard]] asio::any_io_executor executor();
  // The peer's endpoint, read once at construction (still known after close()).
  [[nodiscard]] const asio::ip::tcp::endpoint& peer() const { return peer_; }

 private:
  // Arms the timer for `due` unless it already fires by then.
  void arm(Clock::time_point due);
  void on_timer();
  [[nodiscard]] Clock::time_point next_due() const;
  [[nodiscard]] Status failure(const boost::system::error_code& error, const char* what) const;
  // Until bytes may be there: the next pacing tick, or (not paced) the socket's readiness.
  asio::awaitable<boost::system::error_code> wait_for_bytes();
  void release_large_gather();  // after a write: frees gather_ if it grew past kKeptGather
  static constexpr size_t kKeptGather = 64;  // as ChunkWriteBatch::kKeptSegments

  asio::ip::tcp::socket plain_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket>> tls_;
  asio::ip::tcp::endpoint peer_;

  asio::steady_timer timer_;
  Clock::time_point armed_for_ = Clock::time_point::max();
  Clock::time_point deadline_ = Clock::time_point::max();
  std::string deadline_reason_;
  Clock::duration read_timeout_ = kNoTimeout;
  Clock::duration write_timeout_ = kNoTimeout;
  Clock::time_point read_started_ = Clock::time_point::max();   // max: no read in progress
  Clock::time_point write_started_ = Clock::time_point::max();  // max: no write in progress
  std::string expired_;  // why the timer closed the connection; empty while it has not
  std::vector<asio::const_buffer> gather_;  // reused by every write
  std::chrono::milliseconds pacing_{0};     // 0: not paced
  std::unique_ptr<asio::steady_timer> pacing_timer_;  // made by pace_reads (publishers only)
  bool low_water_set_ = false;  // SO_RCVLOWAT, set at the first paced wait
  bool last_read_filled_ = false;           // read_some filled the whole buffer last time
  bool closed_ = false;
};

}  // namespace mmids::rtmp
