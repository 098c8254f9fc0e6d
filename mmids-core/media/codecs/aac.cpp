#include "mmids-core/media/codecs/aac.hpp"

#include <string>

namespace mmids::media::aac {

namespace {

constexpr int kSampleRates[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
constexpr int kExplicitRateIndex = 15;
constexpr int kEscapeObjectType = 31;
constexpr int kObjectTypeSbr = 5;
constexpr int kObjectTypePs = 29;
constexpr int kMaxAdtsObjectType = 4;  // ADTS's 2-bit profile: Main, LC, SSR, LTP
constexpr size_t kMaxAdtsFrameLength = 0x1FFF;

// MSB-first bit reader that reports running out instead of reading past the end.
class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  std::optional<uint32_t> read(int bits) {
    if (bits > 32 || bit_ + static_cast<size_t>(bits) > bytes_.size() * 8) return std::nullopt;
    uint32_t value = 0;
    for (int i = 0; i < bits; ++i, ++bit_) {
      value = (value << 1) | ((bytes_[bit_ / 8] >> (7 - bit_ % 8)) & 1);
    }
    return value;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t bit_ = 0;
};

std::optional<int> read_object_type(BitReader& bits) {
  auto type = bits.read(5);
  if (!type) return std::nullopt;
  if (*type != kEscapeObjectType) return static_cast<int>(*type);
  auto extension = bits.read(6);
  if (!extension) return std::nullopt;
  return 32 + static_cast<int>(*extension);
}

// A sampling frequency index and the rate it stands for (explicit 24-bit rate after 15).
std::optional<std::pair<int, int>> read_sample_rate(BitReader& bits) {
  auto index = bits.read(4);
  if (!index) return std::nullopt;
  if (*index == kExplicitRateIndex) {
    auto rate = bits.read(24);
    if (!rate) return std::nullopt;
    return std::pair{kExplicitRateIndex, static_cast<int>(*rate)};
  }
  return std::pair{static_cast<int>(*index), sample_rate_of_index(static_cast<int>(*index))};
}

}  // namespace

int sample_rate_of_index(int index) {
  return index >= 0 && index < static_cast<int>(std::size(kSampleRates)) ? kSampleRates[index] : 0;
}

Result<AudioSpecificConfig> parse_audio_specific_config(std::span<const uint8_t> bytes) {
  BitReader bits(bytes);
  AudioSpecificConfig config;
  const auto object_type = read_object_type(bits);
  const auto rate = read_sample_rate(bits);
  const auto channels = bits.read(4);
  if (!object_type || !rate || !channels) return Error("AudioSpecificConfig truncated");
  if (*object_type == 0) return Error("AudioSpecificConfig with object type 0 (null)");
  if (rate->second == 0) return Error("AudioSpecificConfig with a reserved sample rate index");
  config.object_type = *object_type;
  config.core_object_type = *object_type;
  config.sample_rate_index = rate->first;
  config.sample_rate = rate->second;
  config.channel_config = static_cast<int>(*channels);
  if (*object_type == kObjectTypeSbr || *object_type == kObjectTypePs) {
    // Explicit hierarchical signalling: the extension (SBR) rate, then the core object type.
    const auto extension_rate = read_sample_rate(bits);
    const auto core = extension_rate ? read_object_type(bits) : std::nullopt;
    if (!core) return Error("HE-AAC AudioSpecificConfig truncated");
    config.core_object_type = *core;
  }
  return config;
}

Result<AdtsConfig> adts_config_from(const AudioSpecificConfig& config) {
  if (config.core_object_type < 1 || config.core_object_type > kMaxAdtsObjectType) {
    return Error("AAC object type " + std::to_string(config.core_object_type) +
                                " cannot be carried in ADTS");
  }
  if (config.sample_rate_index > 12) return Error("an explicit AAC sample rate cannot be carried in ADTS");
  if (config.channel_config < 1 || config.channel_config > 7) {
    return Error("AAC channel layout in a program config element is not supported");
  }
  AdtsConfig adts;
  adts.profile = static_cast<uint8_t>(config.core_object_type - 1);
  adts.sample_rate_index = static_cast<uint8_t>(config.sample_rate_index);
  adts.channel_config = static_cast<uint8_t>(config.channel_config);
  adts.sample_rate = config.sample_rate;
  return adts;
}

std::optional<std::array<uint8_t, kAdtsHeaderSize>> adts_header(const AdtsConfig& config, size_t raw_frame_size) {
  if (raw_frame_size > kMaxAdtsFrameLength - kAdtsHeaderSize) return std::nullopt;
  const size_t length = raw_frame_size + kAdtsHeaderSize;
  // Sync word, MPEG-4, layer 0, no CRC; buffer fullness 0x7FF (variable rate); one block.
  return std::array<uint8_t, kAdtsHeaderSize>{
      0xFF,
      0xF1,
      static_cast<uint8_t>((config.profile << 6) | (config.sample_rate_index << 2) | (config.channel_config >> 2)),
      static_cast<uint8_t>(((config.channel_config & 0x03) << 6) | (length >> 11)),
      static_cast<uint8_t>(length >> 3),
      static_cast<uint8_t>(((length & 0x07) << 5) | 0x1F),
      0xFC,
  };
}

bool starts_with_adts(std::span<const uint8_t> data) {
  return data.size() >= 2 && data[0] == 0xFF && (data[1] & 0xF6) == 0xF0;
}

Result<std::vector<AdtsFrame>> split_adts(std::span<const uint8_t> data) {
  std::vector<AdtsFrame> frames;
  size_t at = 0;
  while (at < data.size()) {
    auto rest = data.subspan(at);
    if (rest.size() < kAdtsHeaderSize || !starts_with_adts(rest)) return Error("ADTS header expected");
    const bool has_crc = (rest[1] & 0x01) == 0;
    const size_t header_size = has_crc ? 9 : 7;
    const int profile = rest[2] >> 6;  // audio object type - 1
    const int rate_index = (rest[2] >> 2) & 0x0F;
    const int channels = ((rest[2] & 0x01) << 2) | (rest[3] >> 6);
    const size_t frame_length = ((rest[3] & 0x03) << 11) | (rest[4] << 3) | (rest[5] >> 5);
    if (sample_rate_of_index(rate_index) == 0) return Error("ADTS header with a reserved sample rate");
    if (frame_length < header_size || frame_length > rest.size()) {
      return Error("ADTS frame length runs past the packet");
    }
    AdtsFrame frame;
    frame.payload = rest.subspan(header_size, frame_length - header_size);
    const int object_type = profile + 1;
    // AudioSpecificConfig: object type (5 bits), frequency index (4), channel config (4).
    frame.audio_specific_config = {static_cast<uint8_t>((object_type << 3) | (rate_index >> 1)),
                                   static_cast<uint8_t>(((rate_index & 1) << 7) | (channels << 3))};
    frame.sample_rate = sample_rate_of_index(rate_index);
    frames.push_back(std::move(frame));
    at += frame_length;
  }
  return frames;
}

}  // namespace mmids::media::aac
