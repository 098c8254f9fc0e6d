#pragma once
// TsMuxer: H.264 and AAC media payloads (FLV tag bodies, as an RTMP publisher sends
// them) into MPEG-TS packets, the container of HLS segments. Sequence headers configure
// a track; frames become PES packets with PTS/DTS at 90 kHz; PAT/PMT go out first, again
// before every video keyframe and whenever the caller asks (a segment start); the clock
// (PCR) rides on the video PID, or the audio PID of an audio-only stream. Anything else
// (HEVC, AV1, enhanced RTMP, MP3) is refused with a reason rather than mis-muxed.
//
// Per packet it allocates nothing once warm: output goes into the caller's buffer and
// the frame's bytes are copied once, straight into TS packets.
#include "mmids-core/containers/h264_annex_b_framer.hpp"
#include "mmids-core/containers/ts_packetizer.hpp"
#include "mmids-core/media/codecs/aac.hpp"
#include "mmids-core/media/notification.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mmids::containers {

enum class MuxOutcome : uint8_t {
  Written,        // TS packets were appended
  Configured,     // a sequence header: the track is (re)configured, nothing written
  Skipped,        // nothing to write: an empty frame, an AVC end-of-sequence marker
  NeedsConfig,    // a frame of a track whose sequence header has not come: dropped
  Unsupported,    // a codec this muxer does not carry: dropped (log it once)
  Malformed,      // bytes that are not what they claim: dropped
};

struct MuxResult {
  MuxOutcome outcome = MuxOutcome::Skipped;
  std::string reason;  // set for NeedsConfig, Unsupported and Malformed

  [[nodiscard]] bool written() const { return outcome == MuxOutcome::Written; }
  [[nodiscard]] bool is_problem() const {
    return outcome == MuxOutcome::Unsupported || outcome == MuxOutcome::Malformed;
  }
};

class TsMuxer {
 public:
  static constexpr uint16_t kPmtPid = 0x1000;
  static constexpr uint16_t kVideoPid = 0x100;
  static constexpr uint16_t kAudioPid = 0x101;
  // PES timestamps run this far ahead of the PCR: the decoder buffering time the TS
  // model requires (a frame arrives before it is due; audio may trail video a little).
  static constexpr uint64_t kDecodeDelay90khz = 63000;  // 700 ms

  // Appends the TS packets of `payload`, if it makes any, to `out`.
  MuxResult write(const media::MediaPayload& payload, std::vector<uint8_t>& out);

  // PAT and PMT go out again before the next packet written (a new segment starts).
  void request_tables() { tables_due_ = true; }

  // A new stream follows: codec configurations are forgotten, so frames wait for the
  // new stream's sequence headers. Continuity counters carry on.
  void reset_stream();

  [[nodiscard]] bool has_video() const { return video_.configured(); }
  [[nodiscard]] bool has_audio() const { return audio_.has_value(); }

 private:
  MuxResult write_video(const media::MediaPayload& payload, std::vector<uint8_t>& out);
  MuxResult write_audio(const media::MediaPayload& payload, std::vector<uint8_t>& out);
  void write_tables_if_due(std::vector<uint8_t>& out);
  [[nodiscard]] uint16_t pcr_pid() const { return has_video() ? kVideoPid : kAudioPid; }

  TsPacketizer packetizer_;
  H264AnnexBFramer video_;
  std::optional<media::aac::AdtsConfig> audio_;
  BytePieces pieces_;  // reused for every frame
  bool tables_due_ = true;
  // What the last PMT announced; a change bumps the version so players re-read it.
  bool announced_video_ = false;
  bool announced_audio_ = false;
  uint8_t pmt_version_ = 0;
};

}  // namespace mmids::containers
