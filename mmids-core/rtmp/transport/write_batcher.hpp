#pragma once
// WriteBatcher: merged writes for many connections on one executor. A connection that has
// media queued asks to be flushed; one timer, armed when the first one asks, flushes every
// connection that asked within `interval` at once. So a viewer's messages of that interval
// leave in one gathered write instead of one write (one sendmsg, one TCP segment, one
// completion) each: what a node pays per viewer is per batch, no longer per packet.
// The cost is latency: a message waits at most `interval` (the `write_batch_ms` setting).
//
// Lifetime: owned by shared_ptr; the timer's handler holds it weakly. A scheduled
// connection is held (shared) until its flush: the pending flush is its pending operation.
#include "mmids-core/common/asio.hpp"

#include <chrono>
#include <memory>
#include <vector>

namespace mmids::rtmp {

class RtmpConnection;

class WriteBatcher : public std::enable_shared_from_this<WriteBatcher> {
 public:
  WriteBatcher(asio::any_io_executor executor, std::chrono::milliseconds interval);
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  [[nodiscard]] std::chrono::milliseconds interval() const { return interval_; }
  // The connection's batch_due() runs at the next tick, on the executor, once per call
  // (a connection asks once per batch: it remembers that it asked).
  void schedule(std::shared_ptr<RtmpConnection> connection);
  [[nodiscard]] size_t scheduled() const { return due_.size(); }

 private:
  void on_tick();

  asio::steady_timer timer_;
  const std::chrono::milliseconds interval_;
  std::vector<std::shared_ptr<RtmpConnection>> due_;
  std::vector<std::shared_ptr<RtmpConnection>> flushing_;  // swapped with due_ at every tick (storage reused)
  bool armed_ = false;
};

}  // namespace mmids::rtmp
