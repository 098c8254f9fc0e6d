#pragma once
// The latency stamp: the send time of a generated video frame, carried inside the frame
// so it survives every relay (servers forward tag bodies unchanged) and a decoder ignores
// it. It is an H.264 SEI NAL unit of type user_data_unregistered, the first NAL unit of
// the frame, right after the 5-byte FLV AVC header:
//
//   body[0..5)    FLV AVC header (frame type | codec 7, packet type 1, composition time)
//   body[5..9)    NAL unit length (30, 4-byte big-endian, as avcC says)
//   body[9..12)   NAL header 0x06 (SEI), payload type 5, payload size 26
//   body[12..28)  the mmids-bench UUID (the magic marker)
//   body[28..38)  the send time: nanoseconds of the monotonic clock, 7 bits per byte,
//                 most significant first, each byte with its top bit set
//   body[38]      rbsp trailing bits (0x80)
//
// The 7-bit encoding keeps zero bytes out of the payload, so no emulation prevention is
// needed. Sender and receiver must share the clock: both run on one machine.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mmids::bench {

inline constexpr size_t kFlvAvcHeaderSize = 5;
inline constexpr size_t kStampNaluSize = 30;                 // without its length prefix
inline constexpr size_t kStampSize = 4 + kStampNaluSize;     // as it sits in the frame

// Appends the stamp (length prefix and SEI NAL unit) for `send_ns` to `out`.
void append_latency_stamp(std::vector<uint8_t>& out, uint64_t send_ns);

// The send time stamped in an FLV AVC video tag body, or nullopt when the body carries no
// stamp at the fixed place (frames that did not come from mmids-bench publish).
[[nodiscard]] std::optional<uint64_t> read_latency_stamp(std::span<const uint8_t> video_tag_body);

}  // namespace mmids::bench
