#include "tools/bench/load/play_run.hpp"

#include "tools/bench/load/player.hpp"
#include "tools/bench/load/sharded_clients.hpp"
#include "tools/bench/measure/play_summary.hpp"

#include <cstdio>

namespace mmids::bench {
namespace {

class Players final : public FleetClients {
 public:
  Players(const PlayOptions& options, const Fleet& fleet)
      : options_(options), records_(options.urls.size()), clients_(fleet) {}

  void start_client(asio::io_context& io, size_t shard, size_t index) override {
    rtmp::PlayClientOptions client;
    client.connect_timeout = options_.timeout;
    client.media_timeout = options_.timeout;
    client.fields = log::Fields().with("player", std::to_string(index));
    clients_.start(shard, std::make_shared<Player>(io, options_.urls[index], std::move(client), records_[index],
                                                   clients_.shard(shard)));
  }

  void stop_shard(size_t shard) override { clients_.stop(shard); }

  [[nodiscard]] std::string progress() const override {
    char line[160];
    std::snprintf(line, sizeof line, "players %llu/%zu  playing %llu  keyframe %llu  failed %llu  %.1f Mbit/s",
                  clients_.total(&PlayShard::started), records_.size(), clients_.total(&PlayShard::playing),
                  clients_.total(&PlayShard::keyframes), clients_.total(&PlayShard::failed),
                  megabits_(clients_.total(&PlayShard::media_bytes)));
    return line;
  }

  [[nodiscard]] const std::vector<PlayerRecord>& records() const { return records_; }
  [[nodiscard]] Histogram latency() const {
    Histogram all;
    for (const auto& shard : clients_.shards()) all.merge(shard.latency_ns);
    return all;
  }

 private:
  const PlayOptions& options_;
  std::vector<PlayerRecord> records_;
  ShardedClients<Player, PlayShard> clients_;
  mutable MegabitsSinceLast megabits_;  // the progress line's own: main thread only
};

}  // namespace

Json run_play(const PlayOptions& options) {
  Fleet fleet(options.fleet);
  Players players(options, fleet);
  fleet.run(players);
  PlayRunFacts facts{options.url, options.fleet.duration.count(), fleet.window_seconds(),
                     options.fleet.ramp_per_second, fleet.shard_count()};
  auto summary = summarize_play(players.records(), players.latency(), facts, fleet.servers());
  summary["client"] = fleet.client_cost();
  return summary;
}

}  // namespace mmids::bench
