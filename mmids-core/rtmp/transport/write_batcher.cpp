#include "mmids-core/rtmp/transport/write_batcher.hpp"

#include "mmids-core/rtmp/transport/rtmp_connection.hpp"

namespace mmids::rtmp {

WriteBatcher::WriteBatcher(asio::any_io_executor executor, std::chrono::milliseconds interval)
    : timer_(std::move(executor)), interval_(interval) {}

void WriteBatcher::schedule(std::shared_ptr<RtmpConnection> connection) {
  due_.push_back(std::move(connection));
  if (armed_) return;
  armed_ = true;
  timer_.expires_after(interval_);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    if (auto batcher = weak.lock(); batcher && !error) batcher->on_tick();
  });
}

void WriteBatcher::on_tick() {
  armed_ = false;
  // Swapped out first: a flush may schedule its connection again (for the next tick).
  std::swap(due_, flushing_);
  for (auto& connection : flushing_) connection->batch_due();
  flushing_.clear();
}

}  // namespace mmids::rtmp
