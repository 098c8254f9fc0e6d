#include "lookup-server/endpoint_auth.hpp"

#include "mmids-core/http/client.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace mmids::lookup {

EndpointAuthoriser::EndpointAuthoriser(boost::asio::io_context& io, const ClientAuthConfig& config)
    : io_(io), url_(config.endpoint), ca_file_(config.endpoint_ca_file), cache_for_(config.cache) {}

void EndpointAuthoriser::remember(const std::string& key, const AuthDecision& decision) {
  if (cache_for_.count() == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (cache_.size() >= kMaxCachedAnswers) {
    std::erase_if(cache_, [&](const auto& item) { return item.second.until <= now; });
    if (cache_.size() >= kMaxCachedAnswers) cache_.clear();  // all fresh: start over rather than grow
  }
  cache_[key] = Cached{decision, now + cache_for_};
}

void EndpointAuthoriser::authorise(const AuthQuery& query, AuthCallback done) {
  // '\n' cannot occur in a stream name, so the key is unambiguous.
  std::string key = query.action + "\n" + query.stream_name + "\n" + query.query;
  if (auto it = cache_.find(key); it != cache_.end()) {
    if (it->second.until > std::chrono::steady_clock::now()) return done(it->second.decision);
    cache_.erase(it);
  }
  const nlohmann::json body = {{"action", query.action},
                               {"stream_name", query.stream_name},
                               {"client_address", query.client_address},
                               {"query", query.query},
                               {"node", query.node}};
  http::ClientOptions options;
  options.timeout = kTimeout;
  options.ca_file = ca_file_;
  options.max_response_bytes = 64 << 10;
  http::post(io_, url_, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json",
             std::move(options),
             [weak = weak_from_this(), key, done = std::move(done)](http::ClientResult result) {
               auto self = weak.lock();
               if (!self) return done({false, "lookup server is stopping"});
               if (!result.ok()) {
                 spdlog::warn("[auth=endpoint] {} cannot be asked: {}; refusing", self->url_, result.error());
                 return done({false, "auth endpoint unreachable: " + result.error()});
               }
               AuthDecision decision;
               decision.allowed = result->status >= 200 && result->status < 300;
               if (!decision.allowed) decision.reason = "auth endpoint answered " + std::to_string(result->status);
               self->remember(key, decision);
               done(decision);
             });
}

}  // namespace mmids::lookup
