#pragma once
// MemoryTrimmer: gives the heap's free pages back to the system every interval.
// A node's memory comes in bursts that end: a join replays a GOP to each new viewer (chunk
// headers, gather lists and queue rings of a whole GOP per viewer, given back once written),
// a storm of handshakes, a publisher's large messages. glibc keeps what was freed mapped
// when it is not at the top of the heap, so the node's RSS would stay at the burst's
// high-water mark for good. malloc_trim(0) returns every whole free page inside each arena
// (madvise), without moving anything that is in use. It runs on the main thread; the worker
// threads' arenas are trimmed under their own locks, briefly.
#include "mmids-core/common/asio.hpp"

#include <chrono>
#include <memory>

namespace mmids::node {

class MemoryTrimmer : public std::enable_shared_from_this<MemoryTrimmer> {
 public:
  MemoryTrimmer(asio::io_context& io, std::chrono::milliseconds interval);
  void start();  // the first trim one interval from now
  void stop();

 private:
  void schedule();

  asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  bool stopped_ = false;
};

}  // namespace mmids::node
