#include "mmids-core/containers/hls_playlist.hpp"

namespace mmids::containers {

namespace {

// Plain playlists need version 3 (decimal EXTINF); partial segments and blocking reload
// need 6 in practice (players check for it; Apple's tooling asks for it).
constexpr int kVersion = 3;
constexpr int kLowLatencyVersion = 6;
// Parts are listed for segments this many target durations from the live edge (the
// draft: at least three), and the hold-back is three part targets.
constexpr uint64_t kPartListingTargets = 3;
constexpr uint32_t kPartHoldBackParts = 3;

void add_line(std::string& out, std::string_view text) {
  out += text;
  out += '\n';
}

void add_part(std::string& out, const HlsPart& part, const std::string& uri) {
  out += "#EXT-X-PART:DURATION=" + seconds_text(part.duration_ms) + ",URI=\"" + uri + "\"";
  if (part.independent) out += ",INDEPENDENT=YES";
  out += '\n';
}

}  // namespace

std::string seconds_text(uint64_t milliseconds) {
  const auto fraction = std::to_string(milliseconds % 1000);
  return std::to_string(milliseconds / 1000) + "." + std::string(3 - fraction.size(), '0') + fraction;
}

std::string render_media_playlist(const HlsPlaylistState& state, const HlsNaming& naming) {
  const auto& low_latency = state.low_latency;
  std::string out;
  out.reserve(256 + state.segments.size() * (low_latency ? 400 : 40));
  add_line(out, "#EXTM3U");
  add_line(out, "#EXT-X-VERSION:" + std::to_string(low_latency ? kLowLatencyVersion : kVersion));
  add_line(out, "#EXT-X-TARGETDURATION:" + std::to_string(state.target_duration_s));
  if (low_latency) {
    add_line(out, "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=" +
                      seconds_text(uint64_t{low_latency->part_target_ms} * kPartHoldBackParts));
    add_line(out, "#EXT-X-PART-INF:PART-TARGET=" + seconds_text(low_latency->part_target_ms));
  }
  const uint64_t first = state.segments.empty() ? state.next_sequence : state.segments.front()->sequence;
  add_line(out, "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(first));
  if (state.any_discontinuity) {
    add_line(out, "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(state.discontinuity_sequence));
  }

  // How far each segment ends from the live edge decides whether its parts are listed.
  uint64_t age_ms = 0;
  if (low_latency && !state.ended) {
    for (const auto& part : low_latency->open_parts) age_ms += part.duration_ms;
  }
  std::vector<bool> list_parts(state.segments.size(), false);
  for (size_t i = state.segments.size(); i-- > 0;) {
    list_parts[i] = low_latency && age_ms < kPartListingTargets * state.target_duration_s * 1000;
    age_ms += state.segments[i]->duration_ms;
  }

  for (size_t i = 0; i < state.segments.size(); ++i) {
    const auto& segment = *state.segments[i];
    if (segment.discontinuity) add_line(out, "#EXT-X-DISCONTINUITY");
    if (list_parts[i]) {
      for (size_t p = 0; p < segment.parts.size(); ++p) add_part(out, segment.parts[p], naming.part_uri(segment.sequence, p));
    }
    add_line(out, "#EXTINF:" + seconds_text(segment.duration_ms) + ",");
    add_line(out, naming.segment_uri(segment.sequence));
  }

  if (state.ended) {
    add_line(out, "#EXT-X-ENDLIST");
  } else if (low_latency) {
    if (low_latency->open_discontinuity) add_line(out, "#EXT-X-DISCONTINUITY");
    const auto& parts = low_latency->open_parts;
    for (size_t p = 0; p < parts.size(); ++p) add_part(out, parts[p], naming.part_uri(state.next_sequence, p));
    add_line(out, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + naming.part_uri(state.next_sequence, parts.size()) + "\"");
  }
  return out;
}

}  // namespace mmids::containers
