#pragma once
// The headers every HTTP viewer response carries: CORS, so a player page served from
// anywhere can fetch the media (the media is public once approved; credentials are never
// involved), and Cache-Control chosen per resource so a CDN or browser cache in front of
// a node does the right thing:
//   - the multivariant playlist makes a session: never stored (each player needs its own);
//   - a media playlist changes every segment: revalidated on every fetch;
//   - a segment or part never changes under its URL (the URL names the muxer's run and
//     the sequence number): cached for a day, immutable;
//   - errors and FLV streams: never stored.
#include "mmids-core/http/message.hpp"

#include <string_view>

namespace mmids::http_viewers {

inline constexpr std::string_view kNoStore = "no-store";
inline constexpr std::string_view kRevalidate = "no-cache";
inline constexpr std::string_view kImmutable = "public, max-age=86400, immutable";

inline constexpr std::string_view kPlaylistType = "application/vnd.apple.mpegurl";
inline constexpr std::string_view kSegmentType = "video/mp2t";
inline constexpr std::string_view kFlvType = "video/x-flv";

// Adds Access-Control-Allow-Origin and Cache-Control.
http::Response with_viewer_headers(http::Response response, std::string_view cache_control);
// An error body ({"error": ...}), never stored.
http::Response viewer_error(unsigned status, std::string_view message);
// The answer to a CORS preflight (OPTIONS): GET from any origin, with any request headers.
http::Response preflight_response();

}  // namespace mmids::http_viewers
