#include "tools/bench/load/idle_run.hpp"

#include "mmids-core/net/address.hpp"
#include "mmids-core/net/connect.hpp"
#include "tools/bench/load/live_counter.hpp"
#include "tools/bench/measure/failure_cause.hpp"
#include "tools/bench/measure/lookup_tally.hpp"

#include <cstdio>
#include <map>

namespace mmids::bench {
namespace {

struct IdleShard {
  std::vector<asio::ip::tcp::socket> sockets;
  std::map<std::string, uint64_t> failures;
  bool stopping = false;
  LiveCounter opened;
  LiveCounter failed;
};

class IdleConnections final : public FleetClients {
 public:
  IdleConnections(const IdleOptions& options, size_t shards) : options_(options), shards_(shards) {}

  void start_client(asio::io_context& io, size_t shard, size_t) override {
    asio::co_spawn(io, open(shards_[shard]), asio::detached);
  }

  void stop_shard(size_t shard) override {
    shards_[shard].stopping = true;
    shards_[shard].sockets.clear();  // closes them
  }

  [[nodiscard]] std::string progress() const override {
    uint64_t opened = 0, failed = 0;
    for (const auto& shard : shards_) {
      opened += shard.opened.get();
      failed += shard.failed.get();
    }
    char line[96];
    std::snprintf(line, sizeof line, "idle connections %llu/%zu  failed %llu", static_cast<unsigned long long>(opened),
                  options_.fleet.clients, static_cast<unsigned long long>(failed));
    return line;
  }

  [[nodiscard]] size_t opened() const {
    size_t total = 0;
    for (const auto& shard : shards_) total += shard.opened.get();
    return total;
  }
  [[nodiscard]] std::map<std::string, uint64_t> failures() const {
    std::map<std::string, uint64_t> all;
    for (const auto& shard : shards_) {
      for (const auto& [cause, count] : shard.failures) all[cause] += count;
    }
    return all;
  }

 private:
  asio::awaitable<void> open(IdleShard& shard) {
    // Named arguments: gcc 12 miscompiles temporaries inside a co_await expression.
    net::ConnectOptions connect_options{"", Clock::now() + options_.timeout};
    std::string host = options_.host;
    auto socket = co_await net::connect(host, options_.port, connect_options);
    if (shard.stopping) co_return;
    if (!socket.ok()) {
      ++shard.failures[failure_cause(socket.error(), false)];
      shard.failed.add(1);
      co_return;
    }
    shard.sockets.push_back(std::move(socket).value());
    shard.opened.add(1);
  }

  const IdleOptions& options_;
  std::vector<IdleShard> shards_;
};

}  // namespace

Json run_idle(const IdleOptions& options) {
  Fleet fleet(options.fleet);
  IdleConnections connections(options, fleet.shard_count());
  fleet.run(connections);
  // Counted after the run: every shard's thread has stopped, and the servers were sampled
  // with the connections open.
  IdleRunFacts facts{net::host_port_text(options.host, options.port), options.fleet.clients,
                     options.fleet.duration.count()};
  auto summary = summarize_idle(connections.opened(), connections.failures(), facts, fleet.servers());
  summary["client"] = fleet.client_cost();
  return summary;
}

}  // namespace mmids::bench
