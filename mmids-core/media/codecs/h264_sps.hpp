#pragma once
// H.264 sequence parameter set: the picture size a stream announces, read from its SPS
// (ITU-T H.264 7.3.2.1.1) so the node can say what it serves without decoding a frame.
// Only what leads to the size is read; every bit read is checked against the bytes there.
#include "mmids-core/common/result.hpp"

#include <cstdint>
#include <span>

namespace mmids::media::h264 {

struct PictureSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

// `sps`: one SPS NAL unit, header byte included, emulation prevention bytes still in.
// The size after frame cropping, or why the unit cannot be read.
[[nodiscard]] Result<PictureSize> sps_picture_size(std::span<const uint8_t> sps);

}  // namespace mmids::media::h264
