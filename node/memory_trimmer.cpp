#include "node/memory_trimmer.hpp"

#include <malloc.h>

namespace mmids::node {

MemoryTrimmer::MemoryTrimmer(asio::io_context& io, std::chrono::milliseconds interval)
    : timer_(io), interval_(interval) {}

void MemoryTrimmer::start() { schedule(); }

void MemoryTrimmer::stop() {
  stopped_ = true;
  timer_.cancel();
}

void MemoryTrimmer::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto self = weak.lock();
    if (!self || error || self->stopped_) return;
    ::malloc_trim(0);
    self->schedule();
  });
}

}  // namespace mmids::node
