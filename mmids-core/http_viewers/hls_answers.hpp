#pragma once
// The answers of HLS requests (playlists, segments, parts: bodies shared with every
// player, never copied per request), and requests parked until they can be answered.
#include "mmids-core/http_viewers/hls_stream.hpp"

#include <chrono>
#include <functional>
#include <optional>

namespace mmids::http_viewers {

// The session's entry point: one variant, `<key>.m3u8?session=TOKEN` (relative to the
// request), so the player's reloads carry the token.
[[nodiscard]] http::Response multivariant_playlist(const std::string& key, const std::string& token,
                                                   uint64_t bandwidth_bps, bool low_latency);
[[nodiscard]] http::Response media_playlist(const containers::HlsSegmenter& segmenter);
[[nodiscard]] http::Response segment_answer(std::shared_ptr<const containers::HlsSegment> segment);
[[nodiscard]] http::Response part_answer(const containers::HlsPart& part);
// Bits per second of the segments in the window, or `fallback` when there are none.
[[nodiscard]] uint64_t window_bandwidth(const containers::HlsSegmenter& segmenter, uint64_t fallback);

// Answers `respond` with answer() once the stream's segmenter has segment `msn` (part
// `part`), at once if it has; with `late` after `timeout`; with `late` too if the stream
// goes away first (when the deadline comes).
void park_until(asio::io_context& io, const std::shared_ptr<HlsStream>& stream, uint64_t msn,
                std::optional<size_t> part, std::chrono::milliseconds timeout, std::function<http::Response()> answer,
                http::Response late, http::Responder respond);

}  // namespace mmids::http_viewers
