#include "mmids-core/media/codecs/h264.hpp"

#include "mmids-core/common/byte_io.hpp"

#include <algorithm>
#include <string>

namespace mmids::media::h264 {

namespace {


// avcC stores parameter set lengths in 16 bits and counts in 5 (SPS) / 8 (PPS) bits.
constexpr size_t kMaxParameterSetSize = 0xFFFF;
constexpr size_t kMaxSps = 31;
constexpr size_t kMaxPps = 255;
constexpr uint8_t kStartCode[] = {0, 0, 0, 1};

// The length of the start code at `i` (3 or 4), or 0 if there is none.
size_t start_code_at(std::span<const uint8_t> data, size_t i) {
  if (i + 3 <= data.size() && data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) return 3;
  if (i + 4 <= data.size() && data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 0 && data[i + 3] == 1) return 4;
  return 0;
}

// Reads `count` parameter sets (16-bit length + bytes each) from `record` at `at`.
Status read_parameter_sets(std::span<const uint8_t> record, size_t& at, size_t count, const char* what,
                                 std::vector<Bytes>& out) {
  for (size_t i = 0; i < count; ++i) {
    if (record.size() - at < 2) return Error(std::string("avcC truncated in the ") + what + " list");
    const size_t length = byte_io::read_u16be(record.data() + at);
    at += 2;
    if (length == 0 || length > record.size() - at) {
      return Error(std::string("avcC ") + what + " length runs past the record");
    }
    out.emplace_back(record.begin() + static_cast<long>(at), record.begin() + static_cast<long>(at + length));
    at += length;
  }
  return {};
}

void put_parameter_sets(Bytes& out, const Nalus& units) {
  for (const auto& unit : units) {
    byte_io::put_u16be(out, static_cast<uint16_t>(unit.size()));
    out.insert(out.end(), unit.begin(), unit.end());
  }
}

}  // namespace

bool starts_with_start_code(std::span<const uint8_t> data) { return start_code_at(data, 0) != 0; }

Nalus split_annex_b(std::span<const uint8_t> data) {
  Nalus nalus;
  size_t i = 0;
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t begin = kNone;
  // Bytes before the first start code belong to no NAL unit and are dropped.
  while (i < data.size()) {
    const size_t code = start_code_at(data, i);
    if (code == 0) {
      ++i;
      continue;
    }
    if (begin != kNone && i > begin) nalus.push_back(data.subspan(begin, i - begin));
    i += code;
    begin = i;
  }
  if (begin != kNone && begin < data.size()) nalus.push_back(data.subspan(begin));
  // Trailing zero bytes before a start code are padding, not part of the unit.
  for (auto& nalu : nalus) {
    while (!nalu.empty() && nalu.back() == 0) nalu = nalu.first(nalu.size() - 1);
  }
  std::erase_if(nalus, [](const auto& nalu) { return nalu.empty(); });
  return nalus;
}

Result<Nalus> split_length_prefixed(std::span<const uint8_t> data, int length_size) {
  Nalus nalus;
  auto status = for_each_length_prefixed(data, length_size, [&](std::span<const uint8_t> nalu) { nalus.push_back(nalu); });
  if (!status) return Error(status.error());
  return nalus;
}

Bytes to_length_prefixed(const Nalus& nalus) {
  Bytes out;
  size_t total = 0;
  for (const auto& nalu : nalus) total += 4 + nalu.size();
  out.reserve(total);
  for (const auto& nalu : nalus) {
    if (nal_type(nalu) == kNalAccessUnitDelimiter) continue;
    byte_io::put_u32be(out, static_cast<uint32_t>(nalu.size()));
    out.insert(out.end(), nalu.begin(), nalu.end());
  }
  return out;
}

Status append_annex_b(std::span<const uint8_t> length_prefixed, int length_size, Bytes& out) {
  const size_t original_size = out.size();
  auto status = for_each_length_prefixed(length_prefixed, length_size, [&](std::span<const uint8_t> nalu) {
    out.insert(out.end(), std::begin(kStartCode), std::end(kStartCode));
    out.insert(out.end(), nalu.begin(), nalu.end());
  });
  if (!status) out.resize(original_size);  // all or nothing: no half-converted frame
  return status;
}

Result<AvcConfig> parse_avcc(std::span<const uint8_t> record) {
  // version, profile, compatibility, level, length size, SPS count: the fixed part.
  if (record.size() < 6) return Error("avcC record shorter than its fixed header");
  if (record[0] != 1) return Error("avcC configuration version is not 1");
  AvcConfig config;
  config.profile = record[1];
  config.compatibility = record[2];
  config.level = record[3];
  config.nalu_length_size = (record[4] & 0x03) + 1;
  size_t at = 5;
  const size_t sps_count = record[at++] & 0x1F;
  if (auto status = read_parameter_sets(record, at, sps_count, "SPS", config.sps); !status) {
    return Error(status.error());
  }
  if (at >= record.size()) return Error("avcC record ends before its PPS count");
  const size_t pps_count = record[at++];
  if (auto status = read_parameter_sets(record, at, pps_count, "PPS", config.pps); !status) {
    return Error(status.error());
  }
  // High profiles append chroma and bit depth fields; nothing here needs them.
  if (config.sps.empty() || config.pps.empty()) return Error("avcC record without an SPS or a PPS");
  return config;
}

std::optional<int> avcc_length_size(std::span<const uint8_t> extradata) {
  // configurationVersion is 1; an Annex-B blob starts with 0.
  if (extradata.size() < 7 || extradata[0] != 1) return std::nullopt;
  return (extradata[4] & 0x03) + 1;
}

std::optional<Bytes> avcc_from_nalus(const Nalus& nalus) {
  Nalus sps;
  Nalus pps;
  for (const auto& nalu : nalus) {
    if (nalu.size() > kMaxParameterSetSize) continue;
    if (nal_type(nalu) == kNalSps && nalu.size() >= 4 && sps.size() < kMaxSps) sps.push_back(nalu);
    if (nal_type(nalu) == kNalPps && pps.size() < kMaxPps) pps.push_back(nalu);
  }
  if (sps.empty() || pps.empty()) return std::nullopt;
  Bytes out{1, sps[0][1], sps[0][2], sps[0][3], 0xFF /* 4-byte NALU lengths */};
  out.push_back(static_cast<uint8_t>(0xE0 | sps.size()));
  put_parameter_sets(out, sps);
  out.push_back(static_cast<uint8_t>(pps.size()));
  put_parameter_sets(out, pps);
  return out;
}

Bytes parameter_sets_annex_b(const AvcConfig& config) {
  Bytes out;
  for (const auto* list : {&config.sps, &config.pps}) {
    for (const auto& unit : *list) {
      out.insert(out.end(), std::begin(kStartCode), std::end(kStartCode));
      out.insert(out.end(), unit.begin(), unit.end());
    }
  }
  return out;
}

}  // namespace mmids::media::h264
