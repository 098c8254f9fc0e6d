#include "node/viewer_routes.hpp"

#include <map>

namespace mmids::node {

void add_viewer_routes(http::Router& router, activity::NodeActivity& book) {
  router.add("GET", "/viewers", [&book](const http::Request&, http::Responder respond) {
    const auto snapshot = book.snapshot();
    std::map<std::string, size_t> by_protocol{{"rtmp", 0}, {"flv", 0}, {"hls", 0}};
    auto list = nlohmann::json::array();
    for (const auto& client : snapshot.clients) {
      if (client.info.role != activity::ClientRole::viewer) continue;
      ++by_protocol[client.info.protocol];
      list.push_back({{"id", client.info.id},
                      {"protocol", client.info.protocol},
                      {"app", client.info.app},
                      {"stream_key", client.info.stream},
                      {"peer", client.info.address},
                      {"seconds", std::chrono::duration_cast<std::chrono::seconds>(snapshot.taken - client.info.since).count()},
                      {"dropped", client.counters.dropped_frames}});
    }
    respond(http::Response::json(200, {{"by_protocol", by_protocol}, {"viewers", list}}));
  });
}

}  // namespace mmids::node
