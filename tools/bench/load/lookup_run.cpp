#include "tools/bench/load/lookup_run.hpp"

#include "mmids-core/http/client.hpp"
#include "mmids-core/http/url.hpp"
#include "tools/bench/load/lookup_connection.hpp"
#include "tools/bench/load/sharded_clients.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace mmids::bench {
namespace {

constexpr unsigned kHttpOk = 200;

std::string lookup_body(size_t key) {
  return nlohmann::json{{"stream_name", "bench-lookup-" + std::to_string(key)}}.dump();
}

class LookupConnections final : public FleetClients {
 public:
  LookupConnections(const LookupTarget& target, const Fleet& fleet) : target_(target), clients_(fleet) {}

  void start_client(asio::io_context& io, size_t shard, size_t index) override {
    clients_.start(shard, std::make_shared<LookupConnection>(io, target_, index, clients_.shard(shard)));
  }

  void stop_shard(size_t shard) override { clients_.stop(shard); }

  [[nodiscard]] std::string progress() const override {
    const auto answers = clients_.total(&LookupShard::answers);
    char line[96];
    std::snprintf(line, sizeof line, "answers %llu  (%llu/s)", answers, answers - last_answers_);
    last_answers_ = answers;
    return line;
  }

  [[nodiscard]] LookupTally tally() const {
    LookupTally all;
    for (const auto& shard : clients_.shards()) all.merge(shard.tally);
    return all;
  }

 private:
  const LookupTarget& target_;
  ShardedClients<LookupConnection, LookupShard> clients_;
  mutable unsigned long long last_answers_ = 0;  // the progress line's own: main thread only
};

// Registers every key with the lookup server, so that watcher lookups find them.
Status register_keys(const http::Url& base, size_t streams, std::chrono::milliseconds timeout) {
  http::ClientOptions options;
  options.timeout = timeout;
  for (size_t key = 0; key < streams; ++key) {
    http::ClientRequest request{"POST", base.scheme + "://" + base.authority() + "/publisher_lookup", lookup_body(key),
                                "application/json", {}};
    auto answer = http::request_sync(request, options);
    if (!answer.ok()) return Error("registering the keys: " + answer.error());
    if (answer->status != kHttpOk) {
      return Error("registering the keys: publisher_lookup answered " + std::to_string(answer->status));
    }
  }
  return {};
}

}  // namespace

Result<Json> run_lookup(const LookupOptions& options) {
  auto base = http::parse_url(options.url);
  if (!base.ok()) return Error("bad lookup URL: " + base.error());
  if (base->tls()) return Error("the lookup load is plain http (put TLS aside to measure the server)");
  if (options.route != "watcher" && options.route != "publisher") return Error("--route is watcher or publisher");
  if (options.streams == 0) return Error("--streams must be at least 1");
  if (options.route == "watcher") {
    if (auto status = register_keys(*base, options.streams, options.timeout); !status.ok()) return std::move(status).take_error();
  }
  LookupTarget target{base->host, base->port, "/" + options.route + "_lookup", base->authority(), {}, options.timeout};
  for (size_t key = 0; key < options.streams; ++key) target.bodies.push_back(lookup_body(key));

  Fleet fleet(options.fleet);
  LookupConnections connections(target, fleet);
  fleet.run(connections);
  LookupRunFacts facts{options.url,        options.route + "_lookup",      options.fleet.clients,
                       options.streams,    options.fleet.duration.count(), fleet.window_seconds()};
  auto summary = summarize_lookup(connections.tally(), facts, fleet.servers());
  summary["client"] = fleet.client_cost();
  return summary;
}

}  // namespace mmids::bench
