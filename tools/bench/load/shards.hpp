#pragma once
// Shards: the io_contexts a run's clients live on, one thread each (--threads). A client
// belongs to one shard for its whole life and is only touched by that shard's thread, so
// nothing on the packet path takes a lock.
#include "mmids-core/common/asio.hpp"

#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace mmids::bench {

class Shards {
 public:
  explicit Shards(size_t count);
  ~Shards();
  Shards(const Shards&) = delete;
  Shards& operator=(const Shards&) = delete;

  [[nodiscard]] size_t size() const { return contexts_.size(); }
  [[nodiscard]] asio::io_context& context(size_t shard) { return *contexts_[shard]; }

  // Starts one thread per shard, each running its io_context until stop().
  void start();
  // Runs `work(shard)` on every shard's own thread; returns once all have run.
  void run_on_each(const std::function<void(size_t shard)>& work);
  // Stops the loops and joins the threads. Idempotent.
  void stop();

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running_;
  std::vector<std::thread> threads_;
};

}  // namespace mmids::bench
