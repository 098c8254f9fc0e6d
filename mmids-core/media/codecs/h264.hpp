#pragma once
// H.264 bitstream helpers shared by everything that reframes video: the libavformat pull
// (Annex-B or avcC in, FLV tags out) and the MPEG-TS muxer (FLV tags in, Annex-B out).
// Every length inside the bitstream is checked against the bytes actually there:
// malformed input is a value with a reason, never an over-read or a huge allocation.
#include "mmids-core/common/result.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mmids::media::h264 {

using Bytes = std::vector<uint8_t>;
using Nalus = std::vector<std::span<const uint8_t>>;

inline constexpr uint8_t kNalIdrSlice = 5;
inline constexpr uint8_t kNalSps = 7;
inline constexpr uint8_t kNalPps = 8;
inline constexpr uint8_t kNalAccessUnitDelimiter = 9;

[[nodiscard]] inline uint8_t nal_type(std::span<const uint8_t> nalu) { return nalu.empty() ? 0 : (nalu[0] & 0x1F); }

// ---- Annex-B (start codes) ----

// Whether `data` starts with an Annex-B start code (00 00 01 or 00 00 00 01).
[[nodiscard]] bool starts_with_start_code(std::span<const uint8_t> data);

// The NAL units of an Annex-B byte stream, start codes removed (empty units dropped).
[[nodiscard]] Nalus split_annex_b(std::span<const uint8_t> data);

// ---- length-prefixed (avcC framing, what FLV and MP4 carry) ----

// Calls `visit(nalu)` for each NAL unit of a length-prefixed stream (`length_size` 1..4
// bytes per length) without allocating; empty units are skipped. An error when a length
// runs past the end (the packet is not what it claims); units before it were visited.
template <typename Visit>
Status for_each_length_prefixed(std::span<const uint8_t> data, int length_size, Visit&& visit) {
  if (length_size < 1 || length_size > 4) return Error("NAL unit length size must be 1 to 4");
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < static_cast<size_t>(length_size)) return Error("truncated NAL unit length");
    size_t length = 0;
    for (int k = 0; k < length_size; ++k) length = (length << 8) | data[at++];
    if (length > data.size() - at) return Error("NAL unit length runs past the packet");
    if (length > 0) visit(data.subspan(at, length));
    at += length;
  }
  return {};
}

// The NAL units of a length-prefixed stream, or why it is malformed.
[[nodiscard]] Result<Nalus> split_length_prefixed(std::span<const uint8_t> data, int length_size);

// NAL units as 4-byte length-prefixed data (what FLV AVC frames carry); access unit
// delimiters are dropped as FLV has no use for them.
[[nodiscard]] Bytes to_length_prefixed(const Nalus& nalus);

// Length-prefixed NAL units appended to `out` as Annex-B (4-byte start codes).
[[nodiscard]] Status append_annex_b(std::span<const uint8_t> length_prefixed, int length_size, Bytes& out);

// ---- avcC (AVCDecoderConfigurationRecord) ----

struct AvcConfig {
  uint8_t profile = 0;        // profile_idc
  uint8_t compatibility = 0;  // constraint flags
  uint8_t level = 0;          // level_idc
  int nalu_length_size = 4;   // bytes per NAL unit length in the frames (1, 2 or 4)
  std::vector<Bytes> sps;
  std::vector<Bytes> pps;
};

// Parses an avcC record; every count and length is checked against the record. At least
// one SPS and one PPS are required (a decoder cannot start without them).
[[nodiscard]] Result<AvcConfig> parse_avcc(std::span<const uint8_t> record);

// Whether `extradata` looks like an avcC record (version 1); its NALU length size if so.
[[nodiscard]] std::optional<int> avcc_length_size(std::span<const uint8_t> extradata);

// An avcC record from the SPS and PPS among `nalus`; nullopt without at least one of each.
[[nodiscard]] std::optional<Bytes> avcc_from_nalus(const Nalus& nalus);

// Every SPS then every PPS of `config`, each behind a 4-byte start code: what an
// Annex-B stream carries ahead of an IDR picture so a decoder can join there.
[[nodiscard]] Bytes parameter_sets_annex_b(const AvcConfig& config);

}  // namespace mmids::media::h264
