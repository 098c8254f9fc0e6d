#include "steps/ffmpeg_pull/flv_tag_builder.hpp"

#include "mmids-core/rtmp/protocol/byte_io.hpp"

#include <algorithm>
#include <string_view>

namespace mmids::steps::flv {

namespace {

constexpr uint8_t kNalSps = 7;
constexpr uint8_t kNalPps = 8;
constexpr uint8_t kNalAud = 9;
// avcC stores parameter set lengths in 16 bits and counts in 5 (SPS) / 8 (PPS) bits.
constexpr size_t kMaxParameterSetSize = 0xFFFF;
constexpr size_t kMaxSps = 31;
constexpr size_t kMaxPps = 255;

uint8_t nal_type(std::span<const uint8_t> nalu) { return nalu.empty() ? 0 : (nalu[0] & 0x1F); }

// The length of the start code at `i` (3 or 4), or 0 if there is none.
size_t start_code_at(std::span<const uint8_t> data, size_t i) {
  if (i + 3 <= data.size() && data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) return 3;
  if (i + 4 <= data.size() && data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 0 && data[i + 3] == 1) return 4;
  return 0;
}

}  // namespace

bool starts_with_start_code(std::span<const uint8_t> data) { return start_code_at(data, 0) != 0; }

std::vector<std::span<const uint8_t>> split_annex_b(std::span<const uint8_t> data) {
  std::vector<std::span<const uint8_t>> nalus;
  size_t i = 0;
  size_t begin = std::string_view::npos;
  // Bytes before the first start code belong to no NAL unit and are dropped.
  while (i < data.size()) {
    size_t code = start_code_at(data, i);
    if (code == 0) {
      ++i;
      continue;
    }
    if (begin != std::string_view::npos && i > begin) nalus.push_back(data.subspan(begin, i - begin));
    i += code;
    begin = i;
  }
  if (begin != std::string_view::npos && begin < data.size()) nalus.push_back(data.subspan(begin));
  // Trailing zero bytes before a start code are padding, not part of the unit.
  for (auto& nalu : nalus) {
    while (!nalu.empty() && nalu.back() == 0) nalu = nalu.first(nalu.size() - 1);
  }
  std::erase_if(nalus, [](const auto& nalu) { return nalu.empty(); });
  return nalus;
}

std::optional<std::vector<std::span<const uint8_t>>> split_length_prefixed(std::span<const uint8_t> data,
                                                                           int length_size) {
  if (length_size < 1 || length_size > 4) return std::nullopt;
  std::vector<std::span<const uint8_t>> nalus;
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < static_cast<size_t>(length_size)) return std::nullopt;
    size_t length = 0;
    for (int k = 0; k < length_size; ++k) length = (length << 8) | data[at++];
    if (length > data.size() - at) return std::nullopt;
    if (length > 0) nalus.push_back(data.subspan(at, length));
    at += length;
  }
  return nalus;
}

std::optional<Bytes> avcc_from_nalus(const std::vector<std::span<const uint8_t>>& nalus) {
  std::vector<std::span<const uint8_t>> sps;
  std::vector<std::span<const uint8_t>> pps;
  for (const auto& nalu : nalus) {
    if (nalu.size() > kMaxParameterSetSize) continue;
    if (nal_type(nalu) == kNalSps && nalu.size() >= 4 && sps.size() < kMaxSps) sps.push_back(nalu);
    if (nal_type(nalu) == kNalPps && pps.size() < kMaxPps) pps.push_back(nalu);
  }
  if (sps.empty() || pps.empty()) return std::nullopt;
  Bytes out{1, sps[0][1], sps[0][2], sps[0][3], 0xFF /* 4-byte NALU lengths */};
  out.push_back(static_cast<uint8_t>(0xE0 | sps.size()));
  for (const auto& unit : sps) {
    rtmp::byte_io::put_u16be(out, static_cast<uint16_t>(unit.size()));
    out.insert(out.end(), unit.begin(), unit.end());
  }
  out.push_back(static_cast<uint8_t>(pps.size()));
  for (const auto& unit : pps) {
    rtmp::byte_io::put_u16be(out, static_cast<uint16_t>(unit.size()));
    out.insert(out.end(), unit.begin(), unit.end());
  }
  return out;
}

std::optional<int> avcc_length_size(std::span<const uint8_t> extradata) {
  // configurationVersion is 1; an Annex-B blob starts with 0.
  if (extradata.size() < 7 || extradata[0] != 1) return std::nullopt;
  return (extradata[4] & 0x03) + 1;
}

Bytes to_length_prefixed(const std::vector<std::span<const uint8_t>>& nalus) {
  Bytes out;
  size_t total = 0;
  for (const auto& nalu : nalus) total += 4 + nalu.size();
  out.reserve(total);
  for (const auto& nalu : nalus) {
    if (nal_type(nalu) == kNalAud) continue;
    rtmp::byte_io::put_u32be(out, static_cast<uint32_t>(nalu.size()));
    out.insert(out.end(), nalu.begin(), nalu.end());
  }
  return out;
}

Bytes avc_sequence_header_tag(std::span<const uint8_t> avcc) {
  Bytes out{0x17, 0, 0, 0, 0};
  out.insert(out.end(), avcc.begin(), avcc.end());
  return out;
}

Bytes avc_frame_tag(bool keyframe, int32_t composition_ms, std::span<const uint8_t> length_prefixed) {
  // Composition time is a signed 24-bit value: clamp rather than wrap a wild one.
  composition_ms = std::clamp(composition_ms, -0x800000, 0x7FFFFF);
  const auto cts = static_cast<uint32_t>(composition_ms);
  Bytes out{static_cast<uint8_t>(keyframe ? 0x17 : 0x27), 1, static_cast<uint8_t>(cts >> 16),
            static_cast<uint8_t>(cts >> 8), static_cast<uint8_t>(cts)};
  out.insert(out.end(), length_prefixed.begin(), length_prefixed.end());
  return out;
}

bool starts_with_adts(std::span<const uint8_t> data) {
  return data.size() >= 2 && data[0] == 0xFF && (data[1] & 0xF6) == 0xF0;
}

std::optional<std::vector<AdtsFrame>> split_adts(std::span<const uint8_t> data) {
  static constexpr int kSampleRates[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                         22050, 16000, 12000, 11025, 8000,  7350};
  std::vector<AdtsFrame> frames;
  size_t at = 0;
  while (at < data.size()) {
    auto rest = data.subspan(at);
    if (rest.size() < 7 || !starts_with_adts(rest)) return std::nullopt;
    const bool has_crc = (rest[1] & 0x01) == 0;
    const size_t header_size = has_crc ? 9 : 7;
    const int profile = rest[2] >> 6;  // audio object type - 1
    const int rate_index = (rest[2] >> 2) & 0x0F;
    const int channels = ((rest[2] & 0x01) << 2) | (rest[3] >> 6);
    const size_t frame_length = ((rest[3] & 0x03) << 11) | (rest[4] << 3) | (rest[5] >> 5);
    if (rate_index >= 13 || frame_length < header_size || frame_length > rest.size()) return std::nullopt;
    AdtsFrame frame;
    frame.payload = rest.subspan(header_size, frame_length - header_size);
    const int object_type = profile + 1;
    // AudioSpecificConfig: object type (5 bits), frequency index (4), channel config (4).
    frame.audio_specific_config = {static_cast<uint8_t>((object_type << 3) | (rate_index >> 1)),
                                   static_cast<uint8_t>(((rate_index & 1) << 7) | (channels << 3))};
    frame.sample_rate = kSampleRates[rate_index];
    frames.push_back(std::move(frame));
    at += frame_length;
  }
  return frames;
}

Bytes aac_sequence_header_tag(std::span<const uint8_t> audio_specific_config) {
  Bytes out{0xAF, 0};
  out.insert(out.end(), audio_specific_config.begin(), audio_specific_config.end());
  return out;
}

Bytes aac_frame_tag(std::span<const uint8_t> raw_frame) {
  Bytes out{0xAF, 1};
  out.insert(out.end(), raw_frame.begin(), raw_frame.end());
  return out;
}

}  // namespace mmids::steps::flv
