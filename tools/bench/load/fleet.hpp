#pragma once
// Fleet: the shape every mmids-bench run shares. N clients spread over the shards (client
// i on shard i % T), started at once or at --ramp per second, the run lasting --duration
// from its start, its figures counted in the window from --warmup to the end; the servers
// named by --pid sampled at the start, when the window opens and when it closes (clients
// still connected); a progress line on a terminal once a second; then every client
// stopped on its own thread. The mode (play, publish, idle, lookup) supplies the clients.
#include "tools/bench/load/shards.hpp"
#include "tools/bench/measure/player_record.hpp"
#include "tools/bench/measure/process_sample.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace mmids::bench {

struct FleetOptions {
  size_t clients = 1;
  size_t threads = 1;
  double ramp_per_second = 0;  // 0: all at once
  std::chrono::duration<double> duration{10};
  std::chrono::duration<double> warmup{0};
  std::vector<int> server_pids;
  bool progress = false;  // a live line on stderr (a terminal)
};

class FleetClients {
 public:
  virtual ~FleetClients() = default;
  // On `shard`'s thread at the client's start time: create and start client `index`.
  virtual void start_client(asio::io_context& io, size_t shard, size_t index) = 0;
  // On `shard`'s thread when the run ends: stop every client of the shard.
  virtual void stop_shard(size_t shard) = 0;
  // On the main thread: the figures so far, one line (without the elapsed time).
  [[nodiscard]] virtual std::string progress() const = 0;
};

class Fleet {
 public:
  explicit Fleet(FleetOptions options);

  [[nodiscard]] const FleetOptions& options() const { return options_; }
  [[nodiscard]] size_t shard_count() const { return shards_.size(); }
  // Set when run() starts, before any client: clients keep a reference.
  [[nodiscard]] const MeasureWindow& window() const { return window_; }
  [[nodiscard]] double window_seconds() const { return (options_.duration - options_.warmup).count(); }
  [[nodiscard]] const ServerWatch& servers() const { return servers_; }
  // What the run cost mmids-bench itself over the window ({"cpu_seconds", "cpu_percent",
  // "rss_end_mib"}): a client near 100 % of its core limits what the servers are offered.
  [[nodiscard]] Json client_cost() const;

  // Runs to the end (blocking the calling thread, which only keeps time).
  void run(FleetClients& clients);

 private:
  asio::awaitable<void> launch(FleetClients& clients, size_t shard);
  void print_progress(const FleetClients& clients, Clock::time_point now) const;

  FleetOptions options_;
  Shards shards_;
  ServerWatch servers_;
  ServerWatch self_;
  Clock::time_point started_{};
  MeasureWindow window_;
  std::vector<char> stopping_;  // per shard, its thread only
};

}  // namespace mmids::bench
