#pragma once
// The HLS media playlist (RFC 8216, and draft-pantos-hls-rfc8216bis for Low-Latency HLS)
// rendered from the segmenter's state: a pure function of what it is given, so every
// tag is testable as text. Durations are exact milliseconds, written with 3 decimals.
#include "mmids-core/containers/hls_segment.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace mmids::containers {

// The URIs a playlist points at; the HTTP layer serves them (see HlsSegmenter lookups).
struct HlsNaming {
  std::function<std::string(uint64_t sequence)> segment_uri = [](uint64_t sequence) {
    return "segment_" + std::to_string(sequence) + ".ts";
  };
  std::function<std::string(uint64_t sequence, size_t part)> part_uri = [](uint64_t sequence, size_t part) {
    return "part_" + std::to_string(sequence) + "_" + std::to_string(part) + ".ts";
  };
};

struct HlsPlaylistState {
  std::span<const std::shared_ptr<const HlsSegment>> segments;  // the window, oldest first
  uint64_t next_sequence = 0;           // the sequence number the next segment will get
  uint64_t discontinuity_sequence = 0;  // discontinuities that have left the window
  bool any_discontinuity = false;       // whether EXT-X-DISCONTINUITY-SEQUENCE is written
  uint32_t target_duration_s = 1;
  bool ended = false;  // EXT-X-ENDLIST

  // Low-Latency HLS: parts of recent segments, the open segment's finished parts and a
  // preload hint for its next one.
  struct LowLatency {
    uint32_t part_target_ms = 200;
    std::span<const HlsPart> open_parts;  // of segment `next_sequence`, still growing
    bool open_discontinuity = false;      // the open segment starts a new stream
  };
  std::optional<LowLatency> low_latency;
};

[[nodiscard]] std::string render_media_playlist(const HlsPlaylistState& state, const HlsNaming& naming);

// Milliseconds as seconds with exactly three decimals ("1.001"), without floating point.
[[nodiscard]] std::string seconds_text(uint64_t milliseconds);

}  // namespace mmids::containers
