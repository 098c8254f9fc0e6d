#pragma once
// The player page of a node's HTTP viewer port: GET /?stream=<app>/<key>&protocol=hls|flv
// plays the key in the browser with hls.js (HLS) or mpegts.js (HTTP-FLV), served from
// `player_dir` as /player/hls.min.js and /player/mpegts.js (the npm packages that
// scripts/install-deps.sh installs; the build copies them into build/web). The page keeps
// what a test needs in `window.mmidsPlayer` (currentTime, errors).
#include "mmids-core/http/message.hpp"

#include <string>

namespace mmids::http_viewers {

// Answers GET / and GET /player/<script>; false (respond untouched) for any other path.
bool serve_player(const http::Request& request, const std::string& player_dir, http::Responder& respond);

}  // namespace mmids::http_viewers
