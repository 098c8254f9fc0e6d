#include "mmids-core/containers/pes_header.hpp"

namespace mmids::containers {

namespace {

constexpr uint8_t kPtsOnly = 0x80;
constexpr uint8_t kPtsAndDts = 0xC0;
constexpr uint8_t kPrefixPtsOnly = 0x2;
constexpr uint8_t kPrefixPts = 0x3;  // a PTS followed by a DTS
constexpr uint8_t kPrefixDts = 0x1;
constexpr size_t kTimestampSize = 5;
constexpr size_t kBytesAfterLength = 3;  // flags, flags, header_data_length
constexpr size_t kMaxPacketLength = 0xFFFF;

// 33 bits as 3 + 15 + 15, each group followed by a marker bit.
void write_timestamp(uint8_t* p, uint8_t prefix, uint64_t value) {
  value &= kMpegClockMask;
  p[0] = static_cast<uint8_t>((prefix << 4) | ((value >> 29) & 0x0E) | 0x01);
  p[1] = static_cast<uint8_t>(value >> 22);
  p[2] = static_cast<uint8_t>(((value >> 14) & 0xFE) | 0x01);
  p[3] = static_cast<uint8_t>(value >> 7);
  p[4] = static_cast<uint8_t>(((value << 1) & 0xFE) | 0x01);
}

}  // namespace

PesHeader::PesHeader(uint8_t stream_id, uint64_t pts, std::optional<uint64_t> dts, std::optional<size_t> payload_size) {
  const size_t data_length = kTimestampSize * (dts ? 2 : 1);
  size_t packet_length = 0;
  if (payload_size && *payload_size <= kMaxPacketLength - kBytesAfterLength - data_length) {
    packet_length = kBytesAfterLength + data_length + *payload_size;
  }
  uint8_t* p = bytes_.data();
  p[0] = 0x00;  // packet_start_code_prefix
  p[1] = 0x00;
  p[2] = 0x01;
  p[3] = stream_id;
  p[4] = static_cast<uint8_t>(packet_length >> 8);
  p[5] = static_cast<uint8_t>(packet_length);
  p[6] = 0x84;  // '10', not scrambled, data_alignment_indicator: a whole access unit starts here
  p[7] = dts ? kPtsAndDts : kPtsOnly;
  p[8] = static_cast<uint8_t>(data_length);
  write_timestamp(p + 9, dts ? kPrefixPts : kPrefixPtsOnly, pts);
  if (dts) write_timestamp(p + 9 + kTimestampSize, kPrefixDts, *dts);
  size_ = 9 + data_length;
}

}  // namespace mmids::containers
