#pragma once
// What an HLS segmenter hands to the HTTP layer: immutable segments of whole TS packets
// with their sequence numbers and exact durations. A segment is a list of parts (the
// Low-Latency HLS partial segments; one part when low latency is off) whose bytes,
// concatenated, are the segment: serving either never copies.
#include "mmids-core/media/shared_buffer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace mmids::containers {

struct HlsPart {
  uint32_t duration_ms = 0;
  bool independent = false;  // starts at a keyframe (or is audio only): a player may start here
  media::SharedBuffer bytes;
};

struct HlsSegment {
  uint64_t sequence = 0;  // EXT-X-MEDIA-SEQUENCE numbering
  uint32_t duration_ms = 0;
  bool discontinuity = false;  // the first segment of a stream that replaced another
  std::vector<HlsPart> parts;

  [[nodiscard]] size_t size() const;
  // The segment's bytes as one gathered write; valid while the segment lives.
  [[nodiscard]] std::vector<std::span<const uint8_t>> spans() const;
  [[nodiscard]] std::vector<uint8_t> to_bytes() const;
};

}  // namespace mmids::containers
