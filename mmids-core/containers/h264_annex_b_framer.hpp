#pragma once
// H264AnnexBFramer: turns FLV's length-prefixed H.264 frames into the Annex-B access
// units MPEG-TS carries: an access unit delimiter first (required in TS), the SPS and
// PPS of the last avcC ahead of every IDR (so a player can join at any keyframe, i.e.
// at any HLS segment), each NAL unit behind a start code. The result is a list of
// pieces pointing into the frame and into this framer; nothing is copied here.
#include "mmids-core/containers/ts_packetizer.hpp"
#include "mmids-core/media/codecs/h264.hpp"

namespace mmids::containers {

class H264AnnexBFramer {
 public:
  // Takes a new decoder configuration (the body of an AVC sequence header after its
  // 5-byte FLV header). On error the previous configuration is kept.
  Status configure(std::span<const uint8_t> avcc);
  void reset();
  [[nodiscard]] bool configured() const { return configured_; }

  // Replaces `pieces` with the access unit of `frame` (length-prefixed NAL units). The
  // pieces stay valid while `frame` and this framer do. Empty when the frame holds no
  // NAL unit but delimiters; an error when its lengths overrun it.
  Status frame(std::span<const uint8_t> frame, bool keyframe, BytePieces& pieces) const;

 private:
  bool configured_ = false;
  int nalu_length_size_ = 4;
  media::h264::Bytes parameter_sets_;  // Annex-B SPS + PPS of the last configuration
};

}  // namespace mmids::containers
