#pragma once
// ShardedClients: the clients of a run, listed per shard, with the per-shard state they
// share (a `Shard` with a `window` pointer and LiveCounters), and the figures the progress
// line sums over the shards. Each list is touched only by its shard's thread.
#include "tools/bench/load/fleet.hpp"
#include "tools/bench/load/live_counter.hpp"

#include <memory>
#include <vector>

namespace mmids::bench {

template <typename Client, typename Shard>
class ShardedClients {
 public:
  explicit ShardedClients(const Fleet& fleet) : shards_(fleet.shard_count()), clients_(fleet.shard_count()) {
    for (auto& shard : shards_) shard.window = &fleet.window();
  }

  [[nodiscard]] Shard& shard(size_t shard) { return shards_[shard]; }
  [[nodiscard]] const std::vector<Shard>& shards() const { return shards_; }

  // On the shard's thread: keeps the client and starts it.
  void start(size_t shard, std::shared_ptr<Client> client) {
    clients_[shard].push_back(std::move(client));
    clients_[shard].back()->start();
  }
  // On the shard's thread, when the run ends.
  void stop(size_t shard) {
    for (auto& client : clients_[shard]) client->stop();
  }

  // The sum of one counter over every shard (the progress line, on the main thread).
  [[nodiscard]] unsigned long long total(LiveCounter Shard::*counter) const {
    unsigned long long sum = 0;
    for (const auto& shard : shards_) sum += (shard.*counter).get();
    return sum;
  }

 private:
  std::vector<Shard> shards_;
  std::vector<std::vector<std::shared_ptr<Client>>> clients_;
};

// Mbit/s between two progress lines (they come once a second), from a byte total.
class MegabitsSinceLast {
 public:
  [[nodiscard]] double operator()(unsigned long long bytes) {
    const double megabits = static_cast<double>(bytes - last_) * 8 / 1e6;
    last_ = bytes;
    return megabits;
  }

 private:
  unsigned long long last_ = 0;
};

}  // namespace mmids::bench
