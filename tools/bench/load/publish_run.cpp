#include "tools/bench/load/publish_run.hpp"

#include "tools/bench/load/publisher.hpp"
#include "tools/bench/load/sharded_clients.hpp"
#include "tools/bench/stream/flv_file.hpp"

#include <cstdio>
#include <functional>

namespace mmids::bench {
namespace {

using SourceFactory = std::function<std::unique_ptr<TagSource>()>;

class Publishers final : public FleetClients {
 public:
  Publishers(const PublishOptions& options, const Fleet& fleet, SourceFactory make_source)
      : options_(options), make_source_(std::move(make_source)), records_(options.urls.size()), clients_(fleet) {}

  void start_client(asio::io_context& io, size_t shard, size_t index) override {
    rtmp::PublishClientOptions client;
    client.connect_timeout = options_.timeout;
    client.fields = log::Fields().with("publisher", std::to_string(index));
    clients_.start(shard, std::make_shared<Publisher>(io, options_.urls[index], std::move(client), make_source_(),
                                                      records_[index], clients_.shard(shard)));
  }

  void stop_shard(size_t shard) override { clients_.stop(shard); }

  [[nodiscard]] std::string progress() const override {
    char line[160];
    std::snprintf(line, sizeof line, "publishers %llu/%zu  publishing %llu  failed %llu  %.1f Mbit/s",
                  clients_.total(&PublishShard::started), records_.size(), clients_.total(&PublishShard::publishing),
                  clients_.total(&PublishShard::failed), megabits_(clients_.total(&PublishShard::bytes)));
    return line;
  }

  [[nodiscard]] const std::vector<PublisherRecord>& records() const { return records_; }

 private:
  const PublishOptions& options_;
  SourceFactory make_source_;
  std::vector<PublisherRecord> records_;
  ShardedClients<Publisher, PublishShard> clients_;
  mutable MegabitsSinceLast megabits_;  // the progress line's own: main thread only
};

// The stream's shared bytes, made once; each publisher gets its own position in them.
Result<std::pair<SourceFactory, std::string>> source_factory(const PublishOptions& options) {
  if (!options.file.empty()) {
    auto file = read_flv_file(options.file);
    if (!file.ok()) return std::move(file).take_error();
    auto shared = std::make_shared<const FlvFile>(std::move(file).value());
    return std::pair{SourceFactory([shared] { return std::make_unique<FileTags>(shared); }), "file " + options.file};
  }
  auto shape = make_generated_stream(options.generated);
  if (!shape.ok()) return std::move(shape).take_error();
  const auto& g = options.generated;
  char text[128];
  std::snprintf(text, sizeof text, "generated %u kbps (audio %u), %u fps, GOP %.1f s", g.kbps, g.audio_kbps, g.fps,
                g.gop_seconds);
  auto shared = *shape;
  return std::pair{SourceFactory([shared] { return std::make_unique<GeneratedTags>(shared); }), std::string(text)};
}

}  // namespace

Result<Json> run_publish(const PublishOptions& options) {
  auto source = source_factory(options);
  if (!source.ok()) return std::move(source).take_error();
  Fleet fleet(options.fleet);
  Publishers publishers(options, fleet, source->first);
  fleet.run(publishers);
  PublishRunFacts facts{options.url,  source->second, options.fleet.duration.count(), fleet.window_seconds(),
                        options.fleet.ramp_per_second, fleet.shard_count()};
  auto summary = summarize_publish(publishers.records(), facts, fleet.servers());
  summary["client"] = fleet.client_cost();
  return summary;
}

}  // namespace mmids::bench
