#include "mmids-core/containers/h264_annex_b_framer.hpp"

namespace mmids::containers {

namespace h264 = media::h264;

namespace {

constexpr uint8_t kStartCode[] = {0, 0, 0, 1};
// Start code, NAL type 9, primary_pic_type 7 ("any slice type") + stop bit.
constexpr uint8_t kAccessUnitDelimiter[] = {0, 0, 0, 1, h264::kNalAccessUnitDelimiter, 0xF0};

}  // namespace

Status H264AnnexBFramer::configure(std::span<const uint8_t> avcc) {
  auto config = h264::parse_avcc(avcc);
  if (!config) return Error(config.error());
  nalu_length_size_ = config->nalu_length_size;
  parameter_sets_ = h264::parameter_sets_annex_b(*config);
  configured_ = true;
  return {};
}

void H264AnnexBFramer::reset() {
  configured_ = false;
  parameter_sets_.clear();
}

Status H264AnnexBFramer::frame(std::span<const uint8_t> frame, bool keyframe, BytePieces& pieces) const {
  pieces.clear();
  // First pass: validate every length and see what the frame brings itself, so a bad
  // frame produces nothing and in-band parameter sets are not doubled.
  bool has_units = false;
  bool has_idr = false;
  bool has_sps = false;
  auto status = h264::for_each_length_prefixed(frame, nalu_length_size_, [&](std::span<const uint8_t> nalu) {
    const uint8_t type = h264::nal_type(nalu);
    has_units |= type != h264::kNalAccessUnitDelimiter;
    has_idr |= type == h264::kNalIdrSlice;
    has_sps |= type == h264::kNalSps;
  });
  if (!status || !has_units) return status;
  pieces.emplace_back(kAccessUnitDelimiter);
  if ((keyframe || has_idr) && !has_sps && !parameter_sets_.empty()) pieces.emplace_back(parameter_sets_);
  (void)h264::for_each_length_prefixed(frame, nalu_length_size_, [&](std::span<const uint8_t> nalu) {
    if (h264::nal_type(nalu) == h264::kNalAccessUnitDelimiter) return;  // ours is already first
    pieces.emplace_back(kStartCode);
    pieces.push_back(nalu);
  });
  return {};
}

}  // namespace mmids::containers
