#include "tools/bench/load/shards.hpp"

#include <latch>

namespace mmids::bench {

Shards::Shards(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    keep_running_.push_back(asio::make_work_guard(*contexts_.back()));
  }
}

Shards::~Shards() { stop(); }

void Shards::start() {
  for (auto& context : contexts_) threads_.emplace_back([&io = *context] { io.run(); });
}

void Shards::run_on_each(const std::function<void(size_t)>& work) {
  std::latch done(static_cast<std::ptrdiff_t>(contexts_.size()));
  for (size_t shard = 0; shard < contexts_.size(); ++shard) {
    asio::post(*contexts_[shard], [&work, &done, shard] {
      work(shard);
      done.count_down();
    });
  }
  done.wait();
}

void Shards::stop() {
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace mmids::bench
