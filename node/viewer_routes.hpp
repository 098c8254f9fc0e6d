#pragma once
// The node API's view of its viewers, of every protocol (RTMP, HTTP-FLV, HLS sessions):
//   GET /viewers -> {"by_protocol": {"rtmp": N, "flv": N, "hls": N},
//                    "viewers": [{"id", "protocol", "port", "app", "stream_key", "peer", "seconds", "dropped"}]}
//                   (the HTTP viewers one by one; RTMP viewers are counted)
//   GET /metrics -> mmids_viewers{protocol="rtmp|flv|hls"}, read at scrape time
#include "mmids-core/http/router.hpp"
#include "mmids-core/http_viewers/http_viewer_server.hpp"
#include "mmids-core/metrics/registry.hpp"
#include "mmids-core/rtmp/server/rtmp_server.hpp"

namespace mmids::node {

// The servers and the registry must outlive the router's server.
void add_viewer_routes(http::Router& router, const rtmp::RtmpServer& rtmp,
                       const http_viewers::HttpViewerServer& http_viewers, metrics::Registry& registry);

}  // namespace mmids::node
