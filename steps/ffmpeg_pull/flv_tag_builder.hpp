#pragma once
// FLV tag bodies made from demuxed H.264 and AAC, so a stream libavformat reads (file,
// HLS, SRT, ...) reaches the rest of the node as if an RTMP publisher had sent it.
// Every length inside the bitstream is checked against the bytes actually there:
// malformed input yields an empty result, never an over-read or a huge allocation.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mmids::steps::flv {

using Bytes = std::vector<uint8_t>;

// ---- H.264 ----

// Whether `data` starts with an Annex-B start code (00 00 01 or 00 00 00 01).
[[nodiscard]] bool starts_with_start_code(std::span<const uint8_t> data);

// The NAL units of an Annex-B byte stream, start codes removed (empty units dropped).
[[nodiscard]] std::vector<std::span<const uint8_t>> split_annex_b(std::span<const uint8_t> data);

// The NAL units of a length-prefixed stream (`length_size` 1..4 bytes per length).
// nullopt when a length runs past the end (the packet is not what it claims).
[[nodiscard]] std::optional<std::vector<std::span<const uint8_t>>> split_length_prefixed(
    std::span<const uint8_t> data, int length_size);

// An AVCDecoderConfigurationRecord from the SPS and PPS among `nalus`; nullopt
// without at least one of each.
[[nodiscard]] std::optional<Bytes> avcc_from_nalus(const std::vector<std::span<const uint8_t>>& nalus);

// Whether `extradata` is already an avcC record; its NALU length size if so.
[[nodiscard]] std::optional<int> avcc_length_size(std::span<const uint8_t> extradata);

// NAL units as 4-byte length-prefixed data (what FLV AVC frames carry); access unit
// delimiters are dropped as FLV has no use for them.
[[nodiscard]] Bytes to_length_prefixed(const std::vector<std::span<const uint8_t>>& nalus);

// Legacy FLV AVC tag bodies: [frame type | codec 7][packet type][composition time SI24].
[[nodiscard]] Bytes avc_sequence_header_tag(std::span<const uint8_t> avcc);
[[nodiscard]] Bytes avc_frame_tag(bool keyframe, int32_t composition_ms, std::span<const uint8_t> length_prefixed);

// ---- AAC ----

struct AdtsFrame {
  std::span<const uint8_t> payload;  // the raw AAC frame, header removed
  Bytes audio_specific_config;       // 2 bytes built from the header
  int sample_rate = 0;
};

// Whether `data` starts with an ADTS sync word.
[[nodiscard]] bool starts_with_adts(std::span<const uint8_t> data);

// The ADTS frames back to back in `data`; nullopt when a header is malformed or a
// frame length runs past the end.
[[nodiscard]] std::optional<std::vector<AdtsFrame>> split_adts(std::span<const uint8_t> data);

// FLV AAC tag bodies: 0xAF (AAC, the fixed flags FLV requires for it), then 0 with the
// AudioSpecificConfig or 1 with a raw frame.
[[nodiscard]] Bytes aac_sequence_header_tag(std::span<const uint8_t> audio_specific_config);
[[nodiscard]] Bytes aac_frame_tag(std::span<const uint8_t> raw_frame);

}  // namespace mmids::steps::flv
