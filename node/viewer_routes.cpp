#include "node/viewer_routes.hpp"

#include <map>

namespace mmids::node {
namespace {

std::map<std::string, size_t> viewers_by_protocol(const rtmp::RtmpServer& rtmp,
                                                  const std::vector<http_viewers::HttpViewerInfo>& http) {
  std::map<std::string, size_t> counts{{"rtmp", rtmp.viewer_count()}, {"flv", 0}, {"hls", 0}};
  for (const auto& viewer : http) ++counts[viewer.protocol];
  return counts;
}

}  // namespace

void add_viewer_routes(http::Router& router, const rtmp::RtmpServer& rtmp,
                       const http_viewers::HttpViewerServer& http_viewers, metrics::Registry& registry) {
  router.add("GET", "/viewers", [&rtmp, &http_viewers](const http::Request&, http::Responder respond) {
    const auto http = http_viewers.viewers();
    const auto now = std::chrono::steady_clock::now();
    auto list = nlohmann::json::array();
    for (const auto& viewer : http) {
      list.push_back({{"id", viewer.id},
                      {"protocol", viewer.protocol},
                      {"port", viewer.port},
                      {"app", viewer.app},
                      {"stream_key", viewer.stream_key},
                      {"peer", viewer.peer},
                      {"seconds", std::chrono::duration_cast<std::chrono::seconds>(now - viewer.since).count()},
                      {"dropped", viewer.dropped}});
    }
    respond(http::Response::json(200, {{"by_protocol", viewers_by_protocol(rtmp, http)}, {"viewers", list}}));
  });
  auto& gauge = registry.gauge("mmids_viewers", "Viewers connected to this node, by protocol", {"protocol"});
  router.add("GET", "/metrics", [&rtmp, &http_viewers, &registry, &gauge](const http::Request&, http::Responder respond) {
    for (const auto& [protocol, count] : viewers_by_protocol(rtmp, http_viewers.viewers())) {
      gauge.set({protocol}, static_cast<double>(count));
    }
    respond(metrics::metrics_response(registry));
  });
}

}  // namespace mmids::node
