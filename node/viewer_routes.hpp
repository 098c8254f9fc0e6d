#pragma once
// The node API's view of its viewers, of every protocol (RTMP, HTTP-FLV, HLS sessions),
// read from the activity book:
//   GET /viewers -> {"by_protocol": {"rtmp": N, "flv": N, "hls": N},
//                    "viewers": [{"id", "protocol", "app", "stream_key", "peer", "seconds", "dropped"}]}
// (GET /clients lists every connection with more; this stays for the scripts that read it.)
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/http/router.hpp"

namespace mmids::node {

// The book must outlive the router's server.
void add_viewer_routes(http::Router& router, activity::NodeActivity& book);

}  // namespace mmids::node
