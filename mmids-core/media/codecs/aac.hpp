#pragma once
// AAC framing helpers: ADTS (self-describing frames, what MPEG-TS and raw .aac carry) and
// the AudioSpecificConfig (what FLV and MP4 carry once, ahead of raw frames). The
// libavformat pull goes ADTS -> ASC + raw; the MPEG-TS muxer goes ASC + raw -> ADTS.
// Malformed input is a value with a reason, never an over-read.
#include "mmids-core/common/result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mmids::media::aac {

using Bytes = std::vector<uint8_t>;

inline constexpr int kSamplesPerFrame = 1024;
inline constexpr size_t kAdtsHeaderSize = 7;  // without CRC

// The sample rate of a sampling frequency index, 0 for the reserved and explicit ones.
[[nodiscard]] int sample_rate_of_index(int index);

// ---- AudioSpecificConfig (ISO 14496-3 1.6.2.1) ----

struct AudioSpecificConfig {
  int object_type = 0;       // as signalled: 2 = LC, 5 = SBR (HE-AAC), 29 = PS (HE-AACv2), ...
  int core_object_type = 0;  // the underlying one (LC for HE-AAC), equal to object_type otherwise
  int sample_rate_index = 0;  // 0..12, or 15 when the rate is given explicitly
  int sample_rate = 0;        // Hz, of the core
  int channel_config = 0;     // 1..7; 0 means "in a program config element"
};

[[nodiscard]] Result<AudioSpecificConfig> parse_audio_specific_config(std::span<const uint8_t> bytes);

// ---- ADTS ----

// What an ADTS header can say about a stream. HE-AAC is carried as its LC core (decoders
// find SBR/PS implicitly), as every ADTS muxer does.
struct AdtsConfig {
  uint8_t profile = 1;  // object type - 1 (2 bits)
  uint8_t sample_rate_index = 4;
  uint8_t channel_config = 2;
  int sample_rate = 44100;
};

// An error when the configuration cannot be expressed in ADTS (an object type beyond
// Main/LC/SSR/LTP, an explicit sample rate, channels only in a program config element).
[[nodiscard]] Result<AdtsConfig> adts_config_from(const AudioSpecificConfig& config);

// The 7-byte ADTS header (no CRC) for one raw frame; nullopt when the frame is too long
// for ADTS's 13-bit frame length.
[[nodiscard]] std::optional<std::array<uint8_t, kAdtsHeaderSize>> adts_header(const AdtsConfig& config,
                                                                               size_t raw_frame_size);

struct AdtsFrame {
  std::span<const uint8_t> payload;  // the raw AAC frame, header removed
  Bytes audio_specific_config;       // 2 bytes built from the header
  int sample_rate = 0;
};

// Whether `data` starts with an ADTS sync word.
[[nodiscard]] bool starts_with_adts(std::span<const uint8_t> data);

// The ADTS frames back to back in `data`, or why they are malformed (a bad header, a
// frame length running past the end).
[[nodiscard]] Result<std::vector<AdtsFrame>> split_adts(std::span<const uint8_t> data);

}  // namespace mmids::media::aac
