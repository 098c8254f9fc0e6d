// lookup-server: the routes that show the cluster (LookupService, see service.hpp).
#include "lookup-server/service.hpp"

#include "mmids-core/metrics/registry.hpp"

namespace mmids::lookup {

namespace {

double seconds(std::chrono::milliseconds ms) { return static_cast<double>(ms.count()) / 1000.0; }

}  // namespace

void LookupService::node_report(const http::Request& request, http::Responder respond) {
  auto start = Clock::now();
  auto admitted = admit(request, respond, "node_report", NodeRoute::report, start, false);
  if (!admitted) return;
  auto report = parse_node_report(request.body);
  if (!report.ok()) {
    spdlog::info("{} node report refused: {}", admitted->fields, report.error());
    metrics_.node_reports.inc({"bad_request"});
    metrics_.count("node_report", "bad_request", start);
    return respond(http::Response::error(400, report.error()));
  }
  auto streams = report->streams.size();
  if (auto kept = reports_.record(admitted->source, std::move(*report)); !kept.ok()) {
    spdlog::warn("{} node report from {} refused: {}", admitted->fields, admitted->source, kept.error());
    metrics_.node_reports.inc({"refused"});
    metrics_.count("node_report", "refused", start);
    return respond(http::Response::error(429, kept.error()));
  }
  spdlog::debug("{} node report from {}: {} streams", admitted->fields, admitted->source, streams);
  metrics_.node_reports.inc({"recorded"});
  metrics_.nodes.set({}, static_cast<double>(reports_.node_count()));
  metrics_.count("node_report", "recorded", start);
  respond(http::Response::text(200, ""));
}

void LookupService::streams(http::Responder respond) {
  store_->list([this, respond = std::move(respond)](StoreResult<std::vector<StreamEntry>> result) {
    if (!result.ok()) {
      metrics_.store_errors.inc();
      return respond(http::Response::error(503, "lookup store unavailable: " + result.error()));
    }
    auto list = nlohmann::json::array();
    for (const auto& entry : *result) {
      auto nodes = nlohmann::json::array();
      for (const auto& node : entry.playback_nodes) {
        nodes.push_back({{"address", node.address}, {"last_asked_seconds_ago", seconds(node.asked_ago)}});
      }
      list.push_back({{"stream", entry.stream},
                      {"ingestion_address", entry.publisher.address},
                      {"age_seconds", seconds(entry.publisher.age)},
                      {"refreshed_seconds_ago", seconds(entry.publisher.refreshed_ago)},
                      {"expires_in_seconds", seconds(entry.publisher.expires_in)},
                      {"playback_nodes", std::move(nodes)},
                      {"reported", reports_.stream_json(entry.stream, entry.publisher.address)}});
    }
    respond(http::Response::json(200, {{"store", store_->describe()},
                                       {"total_viewers", reports_.total_viewers()},
                                       {"streams", std::move(list)}}));
  });
}

void LookupService::healthz(http::Responder respond) {
  store_->check([this, respond = std::move(respond)](StoreResult<bool> result) {
    if (!result.ok() || !*result) {
      return respond(http::Response::json(503, {{"status", "unavailable"}, {"store", store_->describe()},
                                                {"error", result.ok() ? "store check failed" : result.error()}}));
    }
    respond(http::Response::json(200, {{"status", "ok"}, {"store", store_->describe()}}));
  });
}

void LookupService::metrics_page(http::Responder respond) {
  store_->count([this, respond = std::move(respond)](StoreResult<std::size_t> result) {
    metrics_.store_up.set({}, result.ok() ? 1 : 0);
    if (result.ok()) {
      metrics_.streams.set({}, static_cast<double>(*result));
    } else {
      metrics_.store_errors.inc();
    }
    respond(metrics::metrics_response(metrics_.registry));
  });
}

}  // namespace mmids::lookup
