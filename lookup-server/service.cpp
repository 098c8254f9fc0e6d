#include "lookup-server/service.hpp"

#include "lookup-server/dashboard.hpp"
#include "lookup-server/source_address.hpp"
#include "lookup-server/stream_name.hpp"
#include "mmids-core/logging/log.hpp"

namespace mmids::lookup {

namespace {

using Clock = std::chrono::steady_clock;

log::Fields peer_fields(const http::Request& request) {
  return log::Fields().with("peer", net::endpoint_text(request.peer_address, request.peer_port));
}

double seconds(std::chrono::milliseconds ms) { return static_cast<double>(ms.count()) / 1000.0; }

http::Response unavailable(const std::string& why) {
  return http::Response::error(503, "lookup store unavailable: " + why);
}

}  // namespace

LookupService::LookupService(LookupConfig config, std::shared_ptr<Store> store)
    : config_(std::move(config)), store_(std::move(store)), template_(config_.answer_template),
      lookups_(registry_.counter("mmids_lookup_lookups_total",
                                 "Lookups answered, by route and result", {"route", "result"})),
      latency_(registry_.histogram("mmids_lookup_lookup_duration_seconds",
                                   "Time from request to answer of lookups, by route", {"route"},
                                   {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      live_streams_(registry_.gauge("mmids_lookup_live_streams", "Streams with a live publisher entry")),
      store_up_(registry_.gauge("mmids_lookup_store_up", "1 when the store answered the last scrape, else 0")) {
  registry_.gauge("mmids_lookup_build_info", "Version of mmids-lookup", {"version", "store"})
      .set({MMIDS_VERSION, store_->describe()}, 1);
}

http::Router LookupService::router() {
  http::Router router;
  router.add("POST", "/publisher_lookup", [this](const http::Request& r, http::Responder a) { publisher_lookup(r, std::move(a)); });
  router.add("POST", "/watcher_lookup", [this](const http::Request& r, http::Responder a) { watcher_lookup(r, std::move(a)); });
  router.add("GET", "/streams", [this](const http::Request&, http::Responder a) { streams(std::move(a)); });
  router.add("GET", "/healthz", [this](const http::Request&, http::Responder a) { healthz(std::move(a)); });
  router.add("GET", "/metrics", [this](const http::Request&, http::Responder a) { metrics_page(std::move(a)); });
  router.add("GET", "/", [](const http::Request&, http::Responder a) { a(dashboard_page()); });
  router.add("GET", "/dashboard.js", [](const http::Request&, http::Responder a) { a(dashboard_script()); });
  return router;
}

void LookupService::count(const char* route, const char* result, Clock::time_point start) {
  lookups_.inc({route, result});
  latency_.observe({route}, std::chrono::duration<double>(Clock::now() - start).count());
}

std::optional<std::string> LookupService::source_of(const http::Request& request, const http::Responder& respond) {
  auto source = select_source_address(request.peer_address, request.header("x-forwarded-for"), config_.trusted_proxies);
  if (!source.address) {
    respond(http::Response::error(400, source.error));
    return std::nullopt;
  }
  return source.address->to_string();
}

void LookupService::publisher_lookup(const http::Request& request, http::Responder respond) {
  auto start = Clock::now();
  auto fields = peer_fields(request);
  auto body = parse_lookup_body(request.body);
  if (!body.ok()) {
    spdlog::info("{} publisher lookup refused: {}", fields, body.error());
    count("publisher_lookup", "bad_request", start);
    return respond(http::Response::error(400, body.error()));
  }
  fields = fields.with("stream", body->stream_name);
  auto address = source_of(request, respond);
  if (!address) {
    spdlog::info("{} publisher lookup refused: bad X-Forwarded-For", fields);
    return count("publisher_lookup", "bad_request", start);
  }
  store_->publish(body->stream_name, *address,
                  [this, start, fields, address = *address, respond = std::move(respond)](auto result) {
    if (!result.ok()) {
      spdlog::warn("{} publisher lookup failed: {}", fields, result.error());
      count("publisher_lookup", "unavailable", start);
      return respond(unavailable(result.error()));
    }
    switch (*result) {
      case PublishOutcome::created: spdlog::info("{} publisher recorded at {}", fields, address); break;
      case PublishOutcome::moved: spdlog::info("{} publisher moved to {}", fields, address); break;
      case PublishOutcome::refreshed: spdlog::debug("{} publisher refreshed at {}", fields, address); break;
    }
    count("publisher_lookup", "recorded", start);
    respond(http::Response::text(200, ""));
  });
}

void LookupService::watcher_lookup(const http::Request& request, http::Responder respond) {
  auto start = Clock::now();
  auto fields = peer_fields(request);
  auto body = parse_lookup_body(request.body);
  if (!body.ok()) {
    spdlog::info("{} watcher lookup refused: {}", fields, body.error());
    count("watcher_lookup", "bad_request", start);
    return respond(http::Response::error(400, body.error()));
  }
  fields = fields.with("stream", body->stream_name);
  auto node = source_of(request, respond);
  if (!node) return count("watcher_lookup", "bad_request", start);
  store_->watch(body->stream_name, *node,
                [this, start, fields, stream = body->stream_name, respond = std::move(respond)](auto result) {
    if (!result.ok()) {
      spdlog::warn("{} watcher lookup failed: {}", fields, result.error());
      count("watcher_lookup", "unavailable", start);
      return respond(unavailable(result.error()));
    }
    if (!*result) {
      spdlog::info("{} watcher lookup: no live publisher", fields);
      count("watcher_lookup", "not_found", start);
      return respond(http::Response::error(404, "no live publisher for this stream"));
    }
    AnswerValues values{stream, (*result)->address, config_.pull_app, config_.rtmp_port};
    std::string answer;
    try {
      answer = template_.render(values);
    } catch (const std::exception& e) {
      spdlog::error("{} watcher lookup: cannot render the answer: {}", fields, e.what());
      count("watcher_lookup", "error", start);
      return respond(http::Response::error(500, "cannot render the answer"));
    }
    spdlog::info("{} watcher lookup: pull from {}", fields, (*result)->address);
    count("watcher_lookup", "found", start);
    respond(http::Response::text(200, std::move(answer)));
  });
}

void LookupService::streams(http::Responder respond) {
  store_->list([this, respond = std::move(respond)](StoreResult<std::vector<StreamEntry>> result) {
    if (!result.ok()) return respond(unavailable(result.error()));
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
                      {"playback_nodes", std::move(nodes)}});
    }
    respond(http::Response::json(200, {{"store", store_->describe()}, {"streams", std::move(list)}}));
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
    store_up_.set(result.ok() ? 1 : 0);
    if (result.ok()) live_streams_.set(static_cast<double>(*result));
    auto response = http::Response::text(200, registry_.render());
    response.content_type = std::string(metrics::kContentType);
    respond(std::move(response));
  });
}

}  // namespace mmids::lookup
