#pragma once
// The node API's view of what the node does now, read from its one book (activity/):
//   GET /streams         -> {"streams": [{"name", "source_kind", "source", "video": {"codec",
//                            "width", "height", "fps"}, "audio": {"codec"}, "bitrate_in_bps",
//                            "bitrate_out_bps", "bytes_in", "uptime_seconds", "pulls",
//                            "viewer_count", "viewers": [client...]}]}
//   GET /clients         -> {"clients": [client...]}, every connection, of every role
//   DELETE /clients/ID   -> closes that connection: 200 {"client", "result": "disconnected"};
//                           404 for an unknown id, 400 for one that is not a number
// where client = {"id", "role", "protocol", "address", "app", "stream", "connected_seconds",
//                 "bytes_in", "bytes_out", "bitrate_out_bps", "dropped_frames"}.
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/http/router.hpp"

#include <nlohmann/json.hpp>

namespace mmids::api {

// The book must outlive the router's server.
void add_activity_routes(http::Router& router, activity::NodeActivity& book);

[[nodiscard]] nlohmann::json client_to_json(const activity::ClientSnapshot& client,
                                            std::chrono::steady_clock::time_point now);
[[nodiscard]] nlohmann::json streams_to_json(const activity::ActivitySnapshot& snapshot);
[[nodiscard]] nlohmann::json clients_to_json(const activity::ActivitySnapshot& snapshot);

}  // namespace mmids::api
