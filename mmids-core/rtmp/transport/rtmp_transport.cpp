#include "mmids-core/rtmp/transport/rtmp_transport.hpp"

#include <sys/socket.h>

namespace mmids::rtmp {
namespace {

using Clock = RtmpTransport::Clock;

Clock::time_point plus(Clock::time_point start, Clock::duration timeout) {
  if (start == Clock::time_point::max() || timeout == RtmpTransport::kNoTimeout) return Clock::time_point::max();
  return start + timeout;
}

long long milliseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

// A paced connection asks the kernel to wake its thread only once this much is waiting:
// a full read, which a tick would otherwise read late. Below it nobody waits for the
// bytes (the tick reads them), so a wake would only cost.
constexpr int kPacedLowWater = 64 * 1024;

// The first tick after `now` on a clock of `interval` ticks.
Clock::time_point next_tick(Clock::time_point now, std::chrono::milliseconds interval) {
  const auto tick = std::chrono::duration_cast<Clock::duration>(interval);
  return Clock::time_point((now.time_since_epoch() / tick + 1) * tick);
}

bool ordinary_end(const boost::system::error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::ssl::error::stream_truncated || error == asio::error::broken_pipe;
}

}  // namespace

RtmpTransport::RtmpTransport(asio::ip::tcp::socket socket)
    : plain_(std::move(socket)), timer_(plain_.get_executor()) {
  boost::system::error_code ignored;
  peer_ = plain_.remote_endpoint(ignored);
  plain_.non_blocking(true, ignored);  // read_some's recv after a readiness wait must not block
}

RtmpTransport::RtmpTransport(asio::ip::tcp::socket socket, asio::ssl::context& tls)
    : plain_(socket.get_executor()),
      tls_(std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(socket), tls)),
      timer_(plain_.get_executor()) {
  boost::system::error_code ignored;
  peer_ = tls_->next_layer().remote_endpoint(ignored);
}

RtmpTransport::~RtmpTransport() { close(); }

void RtmpTransport::verify_server_as(const std::string& host) {
  if (!tls_) return;
  SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());
  tls_->set_verify_mode(asio::ssl::verify_peer);
  tls_->set_verify_callback(asio::ssl::host_name_verification(host));
}

asio::ip::tcp::socket& RtmpTransport::socket() { return tls_ ? tls_->next_layer() : plain_; }

asio::any_io_executor RtmpTransport::executor() { return plain_.get_executor(); }

// ---------------------------------------------------------------------------- deadlines

void RtmpTransport::set_deadline(Clock::time_point deadline, std::string why) {
  deadline_ = deadline;
  deadline_reason_ = std::move(why);
  arm(next_due());
}

void RtmpTransport::set_read_timeout(Clock::duration timeout) {
  read_timeout_ = timeout;
  arm(next_due());
}

void RtmpTransport::pace_reads(std::chrono::milliseconds interval) {
  if (tls_) return;  // TLS reads are asio's async reads: readiness-driven
  pacing_ = interval;
  if (pacing_.count() > 0 && !pacing_timer_) pacing_timer_ = std::make_unique<asio::steady_timer>(plain_.get_executor());
}

void RtmpTransport::set_write_timeout(Clock::duration timeout) {
  write_timeout_ = timeout;
  arm(next_due());
}

Clock::time_point RtmpTransport::next_due() const {
  return std::min({deadline_, plus(read_started_, read_timeout_), plus(write_started_, write_timeout_)});
}

void RtmpTransport::arm(Clock::time_point due) {
  if (closed_ || due == Clock::time_point::max() || due >= armed_for_) return;
  armed_for_ = due;
  timer_.expires_at(due);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto transport = weak.lock();
    if (!error && transport) transport->on_timer();
  });
}

void RtmpTransport::on_timer() {
  armed_for_ = Clock::time_point::max();
  if (closed_) return;
  const auto now = Clock::now();
  if (now >= deadline_) {
    expired_ = deadline_reason_;
  } else if (now >= plus(read_started_, read_timeout_)) {
    expired_ = "no data for " + std::to_string(milliseconds(read_timeout_)) + " ms";
  } else if (now >= plus(write_started_, write_timeout_)) {
    expired_ = "a write blocked for " + std::to_string(milliseconds(write_timeout_)) + " ms";
  } else {
    arm(next_due());  // a deadline moved later since the timer was armed
    return;
  }
  close();
}

Status RtmpTransport::failure(const boost::system::error_code& error, const char* what) const {
  if (!expired_.empty()) return Error(expired_);
  if (ordinary_end(error)) return Error("connection closed by peer");
  if (error == asio::error::operation_aborted || closed_) return Error("connection closed");
  return Error(std::string(what) + " failed: " + error.message());
}

// ---------------------------------------------------------------------------- I/O

asio::awaitable<Status> RtmpTransport::tls_handshake(bool server) {
  if (!tls_) co_return Status{};
  auto self = shared_from_this();  // a pending operation keeps its transport (Beast's idiom)
  arm(next_due());
  boost::system::error_code error;
  co_await tls_->async_handshake(server ? asio::ssl::stream_base::server : asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return failure(error, "TLS handshake");
  co_return Status{};
}

asio::awaitable<Result<size_t>> RtmpTransport::read_some(asio::mutable_buffer buffer) {
  auto self = shared_from_this();
  read_started_ = Clock::now();
  arm(next_due());
  boost::system::error_code error;
  size_t read = 0;
  if (tls_) {
    read = co_await tls_->async_read_some(buffer, asio::redirect_error(asio::use_awaitable, error));
  } else {
    // A plain socket is read synchronously, after a wait: the bytes land in `buffer` just
    // before this returns, so a buffer shared by every connection of the thread is safe
    // (the header's contract). asio's own async read would recv() when it starts, into a
    // buffer some other connection may use before the completion runs.
    // After a read that filled the buffer more is likely waiting, and a readiness wait would
    // not see it (the reactor's epoll is edge-triggered: no new event for bytes that were
    // already there): let the thread's other work run, then read. After a read that drained
    // the socket a recv() now would only say EAGAIN (a publisher's messages arrive one at a
    // time: one failed syscall per message): wait first, for readiness or a paced
    // connection's tick.
    bool wait_first = !last_read_filled_;
    if (!wait_first) co_await asio::post(plain_.get_executor(), asio::use_awaitable);
    while (true) {
      if (wait_first) {
        error = co_await wait_for_bytes();
        if (error) break;
      }
      read = plain_.read_some(buffer, error);
      if (error != asio::error::would_block) break;  // EAGAIN is EWOULDBLOCK on Linux
      error.clear();  // nothing there (a readiness the kernel took back, a quiet tick): wait
      wait_first = true;
    }
  }
  read_started_ = Clock::time_point::max();
  if (error) co_return failure(error, "read").take_error();
  last_read_filled_ = read == buffer.size();
  co_return read;
}

asio::awaitable<boost::system::error_code> RtmpTransport::wait_for_bytes() {
  boost::system::error_code error;
  if (pacing_.count() == 0) {
    co_await plain_.async_wait(asio::ip::tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, error));
    co_return error;
  }
  if (!low_water_set_) {
    // Here, not in pace_reads(): a readiness wait pending then would not see a publisher's
    // first small messages until a full read of them had arrived.
    low_water_set_ = true;
    ::setsockopt(plain_.native_handle(), SOL_SOCKET, SO_RCVLOWAT, &kPacedLowWater, sizeof kPacedLowWater);
  }
  pacing_timer_->expires_at(next_tick(Clock::now(), pacing_));
  co_await pacing_timer_->async_wait(asio::redirect_error(asio::use_awaitable, error));
  co_return error;
}

void RtmpTransport::release_large_gather() {
  // As ChunkWriteBatch::clear: a GOP replay's list of buffers is not kept for every write after.
  if (gather_.capacity() > kKeptGather) std::vector<asio::const_buffer>().swap(gather_);
}

void RtmpTransport::write(const ChunkWriteBatch& batch, std::function<void(Status)> done) {
  gather_.clear();
  batch.for_each_segment([this](std::span<const uint8_t> bytes) { gather_.emplace_back(bytes.data(), bytes.size()); });
  write_started_ = Clock::now();
  arm(next_due());
  auto finished = [self = shared_from_this(), done = std::move(done)](const boost::system::error_code& error, size_t) {
    self->write_started_ = Clock::time_point::max();
    self->release_large_gather();
    done(error ? self->failure(error, "write") : Status{});
  };
  if (tls_) {
    asio::async_write(*tls_, gather_, std::move(finished));
  } else {
    asio::async_write(plain_, gather_, std::move(finished));
  }
}

asio::awaitable<Status> RtmpTransport::write(const ChunkWriteBatch& batch) {
  auto self = shared_from_this();
  gather_.clear();
  batch.for_each_segment([this](std::span<const uint8_t> bytes) { gather_.emplace_back(bytes.data(), bytes.size()); });
  write_started_ = Clock::now();
  arm(next_due());
  boost::system::error_code error;
  if (tls_) {
    co_await asio::async_write(*tls_, gather_, asio::redirect_error(asio::use_awaitable, error));
  } else {
    co_await asio::async_write(plain_, gather_, asio::redirect_error(asio::use_awaitable, error));
  }
  write_started_ = Clock::time_point::max();
  release_large_gather();
  if (error) co_return failure(error, "write");
  co_return Status{};
}

void RtmpTransport::close() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  if (pacing_timer_) pacing_timer_->cancel();
  boost::system::error_code ignored;
  socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

}  // namespace mmids::rtmp
