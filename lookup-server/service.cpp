#include "lookup-server/service.hpp"

#include "lookup-server/dashboard.hpp"
#include "lookup-server/source_address.hpp"

namespace mmids::lookup {

namespace {

http::Response unavailable(const std::string& why) {
  return http::Response::error(503, "lookup store unavailable: " + why);
}

}  // namespace

LookupService::LookupService(boost::asio::io_context& io, LookupConfig config, std::shared_ptr<Store> store)
    : config_(std::move(config)), store_(std::move(store)), template_(config_.answer_template),
      metrics_(store_->describe()), guard_(config_), publishers_(make_client_authoriser(io, config_.publishers)),
      viewers_(make_client_authoriser(io, config_.viewers)), reports_(config_.max_nodes) {}

http::Router LookupService::router() {
  http::Router router;
  auto bind = [this](void (LookupService::*route)(const http::Request&, http::Responder)) {
    return [this, route](const http::Request& r, http::Responder a) { (this->*route)(r, std::move(a)); };
  };
  router.add("POST", "/publisher_lookup", bind(&LookupService::publisher_lookup));
  router.add("DELETE", "/publisher_lookup", bind(&LookupService::publisher_end));
  router.add("POST", "/watcher_lookup", bind(&LookupService::watcher_lookup));
  router.add("DELETE", "/watcher_lookup", bind(&LookupService::watcher_end));
  router.add("POST", "/node_report", bind(&LookupService::node_report));
  router.add("GET", "/streams", [this](const http::Request&, http::Responder a) { streams(std::move(a)); });
  router.add("GET", "/nodes", [this](const http::Request&, http::Responder a) { a(http::Response::json(200, reports_.nodes_json())); });
  router.add("GET", "/stream_history", [this](const http::Request&, http::Responder a) { a(http::Response::json(200, reports_.history_json())); });
  router.add("GET", "/healthz", [this](const http::Request&, http::Responder a) { healthz(std::move(a)); });
  router.add("GET", "/metrics", [this](const http::Request&, http::Responder a) { metrics_page(std::move(a)); });
  router.add("GET", "/", [](const http::Request&, http::Responder a) { a(dashboard_page()); });
  router.add("GET", "/dashboard.js", [](const http::Request&, http::Responder a) { a(dashboard_script()); });
  return router;
}

std::optional<LookupService::Admitted> LookupService::admit(const http::Request& request,
                                                            const http::Responder& respond, const std::string& route,
                                                            NodeRoute node_route, Clock::time_point start,
                                                            bool parse_body) {
  Admitted admitted;
  admitted.fields = log::Fields().with("peer", net::endpoint_text(request.peer_address, request.peer_port));
  auto source = select_source_address(request.peer_address, request.header("x-forwarded-for"), config_.trusted_proxies);
  if (!source.address) {
    spdlog::info("{} {} {} refused: {}", admitted.fields, request.method, request.path, source.error);
    metrics_.count(route, "bad_request", start);
    respond(http::Response::error(400, source.error));
    return std::nullopt;
  }
  admitted.source = source.address->to_string();
  if (auto refusal = guard_.check(request, *source.address, node_route)) {
    spdlog::warn("{} {} {} from {} refused ({} {}): {}", admitted.fields, request.method, request.path,
                 admitted.source, refusal->status, refusal->reason, refusal->message);
    metrics_.refusals.inc({route, refusal->reason});
    metrics_.count(route, "refused", start);
    respond(http::Response::error(refusal->status, refusal->message));
    return std::nullopt;
  }
  if (!parse_body) return admitted;
  auto body = parse_lookup_body(request.body);
  if (!body.ok()) {
    spdlog::info("{} {} {} refused: {}", admitted.fields, request.method, request.path, body.error());
    metrics_.count(route, "bad_request", start);
    respond(http::Response::error(400, body.error()));
    return std::nullopt;
  }
  admitted.body = std::move(*body);
  admitted.fields = admitted.fields.with("stream", admitted.body.stream_name);
  return admitted;
}

void LookupService::refuse_store_error(const std::string& route, const log::Fields& fields, const std::string& error,
                                       Clock::time_point start, const http::Responder& respond) {
  spdlog::warn("{} {} failed: {}", fields, route, error);
  metrics_.store_errors.inc();
  metrics_.count(route, "unavailable", start);
  respond(unavailable(error));
}

void LookupService::publisher_lookup(const http::Request& request, http::Responder respond) {
  auto start = Clock::now();
  if (auto admitted = admit(request, respond, "publisher_lookup", NodeRoute::publisher, start)) {
    authorise_then(std::move(*admitted), *publishers_, "publisher_lookup", start, std::move(respond),
                   &LookupService::record_publisher);
  }
}

void LookupService::authorise_then(Admitted admitted, ClientAuthoriser& authoriser, const char* route,
                                   Clock::time_point start, http::Responder respond, Next next) {
  const bool publishing = std::string_view(route) == "publisher_lookup";
  if (admitted.body.refresh) {
    // A heartbeat from an admitted node for a client it already serves: that client was
    // authorised when it connected. Asking again would end a live publisher or viewer the
    // moment its token expires, and after a restart of this server (entries lost) it
    // re-records the stream without asking the authoriser for what it once allowed.
    return (this->*next)(std::move(admitted), start, std::move(respond));
  }
  AuthQuery query{publishing ? "publish" : "watch", admitted.body.stream_name, admitted.body.client_address,
                  admitted.body.query, admitted.source};
  authoriser.authorise(query, [this, &authoriser, route, publishing, next, admitted = std::move(admitted), start,
                               respond = std::move(respond)](AuthDecision decision) mutable {
    if (!decision.allowed) {
      spdlog::info("{} {} refused by {} authorisation: {}", admitted.fields, publishing ? "publisher" : "viewer",
                   authoriser.mode(), decision.reason);
      metrics_.refusals.inc({route, "unauthorised"});
      metrics_.count(route, "unauthorised", start);
      return respond(http::Response::error(
          404, publishing ? "not authorised to publish this stream" : "not authorised to watch this stream"));
    }
    (this->*next)(std::move(admitted), start, std::move(respond));
  });
}

void LookupService::record_publisher(Admitted admitted, Clock::time_point start, http::Responder respond) {
  const auto stream = admitted.body.stream_name;
  const auto address = admitted.source;
  store_->publish(stream, address, [this, start, fields = admitted.fields, address, respond = std::move(respond)](auto result) {
    if (!result.ok()) return refuse_store_error("publisher_lookup", fields, result.error(), start, respond);
    switch (*result) {
      case PublishOutcome::created: spdlog::info("{} publisher recorded at {}", fields, address); break;
      case PublishOutcome::moved: spdlog::info("{} publisher moved to {}", fields, address); break;
      case PublishOutcome::refreshed: spdlog::debug("{} publisher refreshed at {}", fields, address); break;
    }
    metrics_.count("publisher_lookup", "recorded", start);
    respond(http::Response::text(200, ""));
  });
}

void LookupService::watcher_lookup(const http::Request& request, http::Responder respond) {
  auto start = Clock::now();
  if (auto admitted = admit(request, respond, "watcher_lookup", NodeRoute::watcher, start)) {
    authorise_then(std::move(*admitted), *viewers_, "watcher_lookup", start, std::move(respond),
                   &LookupService::answer_watcher);
  }
}

void LookupService::answer_watcher(Admitted admitted, Clock::time_point start, http::Responder respond) {
  const auto stream = admitted.body.stream_name;
  store_->watch(stream, admitted.source, [this, start, fields = admitted.fields, stream, respond = std::move(respond)](auto result) {
    if (!result.ok()) return refuse_store_error("watcher_lookup", fields, result.error(), start, respond);
    if (!*result) {
      spdlog::info("{} watcher lookup: no live publisher", fields);
      metrics_.count("watcher_lookup", "not_found", start);
      return respond(http::Response::error(404, "no live publisher for this stream"));
    }
    AnswerValues values{stream, (*result)->address, config_.pull_app, config_.rtmp_port};
    std::string answer;
    try {
      answer = template_.render(values);
    } catch (const std::exception& e) {
      spdlog::error("{} watcher lookup: cannot render the answer: {}", fields, e.what());
      metrics_.count("watcher_lookup", "error", start);
      return respond(http::Response::error(500, "cannot render the answer"));
    }
    spdlog::info("{} watcher lookup: pull from {}", fields, (*result)->address);
    metrics_.count("watcher_lookup", "found", start);
    respond(http::Response::text(200, std::move(answer)));
  });
}

void LookupService::publisher_end(const http::Request& request, http::Responder respond) {
  auto start = Clock::now();
  auto admitted = admit(request, respond, "publisher_end", NodeRoute::publisher, start);
  if (!admitted) return;
  store_->unpublish(admitted->body.stream_name, admitted->source,
                    [this, start, fields = admitted->fields, source = admitted->source, respond = std::move(respond)](auto result) {
    if (!result.ok()) return refuse_store_error("publisher_end", fields, result.error(), start, respond);
    switch (*result) {
      case UnpublishOutcome::removed:
        spdlog::info("{} publisher at {} ended: stream removed", fields, source);
        metrics_.count("publisher_end", "removed", start);
        return respond(http::Response::text(200, ""));
      case UnpublishOutcome::unknown:
        spdlog::debug("{} publisher end from {}: stream not known", fields, source);
        metrics_.count("publisher_end", "unknown", start);
        return respond(http::Response::error(404, "no live publisher for this stream"));
      case UnpublishOutcome::other_owner:
        spdlog::info("{} publisher end from {} ignored: the stream is recorded at another node", fields, source);
        metrics_.count("publisher_end", "not_owner", start);
        return respond(http::Response::error(404, "this stream is recorded at another node"));
    }
  });
}

void LookupService::watcher_end(const http::Request& request, http::Responder respond) {
  auto start = Clock::now();
  auto admitted = admit(request, respond, "watcher_end", NodeRoute::watcher, start);
  if (!admitted) return;
  store_->unwatch(admitted->body.stream_name, admitted->source,
                  [this, start, fields = admitted->fields, respond = std::move(respond)](StoreResult<bool> result) {
    if (!result.ok()) return refuse_store_error("watcher_end", fields, result.error(), start, respond);
    spdlog::debug("{} playback node stopped serving the stream ({})", fields, *result ? "removed" : "was not listed");
    metrics_.count("watcher_end", *result ? "removed" : "unknown", start);
    respond(http::Response::text(200, ""));
  });
}

}  // namespace mmids::lookup
