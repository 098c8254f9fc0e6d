#pragma once
// TimestampContinuity: keeps one viewer's timestamps moving forward when the stream it
// watches is replaced (a pull restarted, a publisher moved to another ingestion node
// and starts again at 0). Players stall or drop on a clock that jumps back; with this
// the new stream continues where the old one stopped.
#include <cstdint>

namespace mmids::endpoint {

class TimestampContinuity {
 public:
  // A new stream starts for this viewer: the next timestamp is re-based.
  void new_stream() { rebase_pending_ = started_; }

  uint32_t apply(uint32_t timestamp) {
    if (rebase_pending_) {
      offset_ = last_ + 1 - timestamp;  // unsigned wrap-around arithmetic on purpose
      rebase_pending_ = false;
    }
    last_ = timestamp + offset_;
    started_ = true;
    return last_;
  }

 private:
  uint32_t offset_ = 0;
  uint32_t last_ = 0;
  bool started_ = false;
  bool rebase_pending_ = false;
};

}  // namespace mmids::endpoint
