#include "mmids-core/media/codecs/h264_sps.hpp"

#include "mmids-core/media/codecs/h264.hpp"

#include <vector>

namespace mmids::media::h264 {
namespace {

// Reads bits of an RBSP (emulation prevention removed); reading past the end is an error
// remembered by the reader, so the parse reads on linearly and checks once.
class BitReader {
 public:
  explicit BitReader(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}

  uint32_t bit() {
    if (at_ >= bytes_.size() * 8) {
      overrun_ = true;
      return 0;
    }
    const uint32_t value = (bytes_[at_ / 8] >> (7 - at_ % 8)) & 1;
    ++at_;
    return value;
  }
  uint32_t bits(int count) {
    uint32_t value = 0;
    for (int i = 0; i < count; ++i) value = (value << 1) | bit();
    return value;
  }
  // ue(v): Exp-Golomb; at most 31 leading zeros (a 32-bit value), more is malformed.
  uint32_t ue() {
    int zeros = 0;
    while (bit() == 0 && !overrun_) {
      if (++zeros > 31) {
        overrun_ = true;
        return 0;
      }
    }
    if (zeros == 0) return 0;
    return static_cast<uint32_t>((uint64_t{1} << zeros) - 1 + bits(zeros));
  }
  int32_t se() {
    const uint32_t code = ue();
    return (code & 1) ? static_cast<int32_t>((code + 1) / 2) : -static_cast<int32_t>(code / 2);
  }
  [[nodiscard]] bool overrun() const { return overrun_; }

 private:
  std::vector<uint8_t> bytes_;
  size_t at_ = 0;
  bool overrun_ = false;
};

std::vector<uint8_t> rbsp_of(std::span<const uint8_t> nalu) {
  std::vector<uint8_t> out;
  out.reserve(nalu.size());
  int zeros = 0;
  for (uint8_t byte : nalu) {
    if (zeros >= 2 && byte == 3) {  // 00 00 03: the 03 is not data
      zeros = 0;
      continue;
    }
    zeros = byte == 0 ? zeros + 1 : 0;
    out.push_back(byte);
  }
  return out;
}

void skip_scaling_list(BitReader& reader, int size) {
  int32_t last = 8, next = 8;
  for (int j = 0; j < size && !reader.overrun(); ++j) {
    // delta_scale is -128..127 in a valid stream; a malformed one may say up to +-2^31, so
    // the sum is taken wide and wrapped as the spec's "% 256" intends.
    if (next != 0) next = static_cast<int32_t>(((int64_t{last} + reader.se()) % 256 + 256) % 256);
    last = next == 0 ? last : next;
  }
}

bool has_chroma_fields(uint32_t profile) {
  switch (profile) {
    case 100: case 110: case 122: case 244: case 44: case 83: case 86: case 118: case 128: case 138: case 139:
    case 134: case 135:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<PictureSize> sps_picture_size(std::span<const uint8_t> sps) {
  if (sps.empty() || nal_type(sps) != kNalSps) return Error("not an SPS NAL unit");
  BitReader reader(rbsp_of(sps.subspan(1)));
  const uint32_t profile = reader.bits(8);
  reader.bits(16);  // constraint flags, level
  reader.ue();      // seq_parameter_set_id
  uint32_t chroma_format = 1;
  bool separate_planes = false;
  if (has_chroma_fields(profile)) {
    chroma_format = reader.ue();
    if (chroma_format > 3) return Error("SPS chroma_format_idc out of range");
    if (chroma_format == 3) separate_planes = reader.bit() == 1;
    reader.ue();   // bit_depth_luma_minus8
    reader.ue();   // bit_depth_chroma_minus8
    reader.bit();  // qpprime_y_zero_transform_bypass_flag
    if (reader.bit()) {  // seq_scaling_matrix_present_flag
      const int lists = chroma_format != 3 ? 8 : 12;
      for (int i = 0; i < lists && !reader.overrun(); ++i) {
        if (reader.bit()) skip_scaling_list(reader, i < 6 ? 16 : 64);
      }
    }
  }
  reader.ue();  // log2_max_frame_num_minus4
  const uint32_t poc_type = reader.ue();
  if (poc_type == 0) {
    reader.ue();  // log2_max_pic_order_cnt_lsb_minus4
  } else if (poc_type == 1) {
    reader.bit();  // delta_pic_order_always_zero_flag
    reader.se();   // offset_for_non_ref_pic
    reader.se();   // offset_for_top_to_bottom_field
    const uint32_t cycle = reader.ue();
    if (cycle > 255) return Error("SPS num_ref_frames_in_pic_order_cnt_cycle out of range");
    for (uint32_t i = 0; i < cycle && !reader.overrun(); ++i) reader.se();
  }
  reader.ue();   // max_num_ref_frames
  reader.bit();  // gaps_in_frame_num_value_allowed_flag
  const uint32_t width_mbs = reader.ue() + 1;
  const uint32_t height_units = reader.ue() + 1;
  const uint32_t frame_mbs_only = reader.bit();
  if (!frame_mbs_only) reader.bit();  // mb_adaptive_frame_field_flag
  reader.bit();                       // direct_8x8_inference_flag
  uint32_t crop_left = 0, crop_right = 0, crop_top = 0, crop_bottom = 0;
  if (reader.bit()) {
    crop_left = reader.ue();
    crop_right = reader.ue();
    crop_top = reader.ue();
    crop_bottom = reader.ue();
  }
  if (reader.overrun()) return Error("SPS ends before its picture size");
  if (width_mbs > 1024 || height_units > 1024) return Error("SPS picture size out of range");
  // Crop units (H.264 table 6-1 and equations 7-19 to 7-22).
  const uint32_t field_factor = 2 - frame_mbs_only;
  const bool monochrome_like = chroma_format == 0 || separate_planes;
  const uint32_t crop_x = monochrome_like ? 1 : (chroma_format == 3 ? 1 : 2);
  const uint32_t crop_y = (monochrome_like ? 1 : (chroma_format == 1 ? 2 : 1)) * field_factor;
  const uint32_t width = width_mbs * 16;
  const uint32_t height = field_factor * height_units * 16;
  const uint64_t crop_width = uint64_t{crop_x} * (uint64_t{crop_left} + crop_right);
  const uint64_t crop_height = uint64_t{crop_y} * (uint64_t{crop_top} + crop_bottom);
  if (crop_width >= width || crop_height >= height) return Error("SPS cropping exceeds the picture");
  return PictureSize{static_cast<uint32_t>(width - crop_width), static_cast<uint32_t>(height - crop_height)};
}

}  // namespace mmids::media::h264
