#pragma once
// Real H.264/AAC media for round-trip tests: short FLV files made once per test run by
// the ffmpeg program, read back into the notifications an RTMP publisher would cause
// (a tiny FLV reader: the tags' bodies become payloads, flags read as rtmp_receive does).
#include "mmids-core/media/notification.hpp"

#include <span>
#include <string>
#include <vector>

namespace mmids::testing {

enum class FixtureKind {
  AudioVideo,    // 3 s, H.264 640x360 30 fps (keyframe every 30, 2 B-frames), AAC 44.1 kHz stereo
  AudioOnly48k,  // 3 s, AAC 48 kHz mono
  VideoOnly,     // 3 s, H.264 640x360 30 fps, keyframe every 30
};

struct MediaFixture {
  std::vector<media::MediaNotification> notifications;  // NewStream, metadata, payloads in file order
  size_t video_frames = 0;  // coded frames (see is_coded_frame)
  size_t audio_frames = 0;
  size_t video_keyframes = 0;
  std::vector<uint8_t> flv_file;
};

// Made on first use, kept for the rest of the run.
const MediaFixture& media_fixture(FixtureKind kind);

// The notifications of an FLV file's tags (header and PreviousTagSize fields skipped).
std::vector<media::MediaNotification> read_flv_file(std::span<const uint8_t> file, media::StreamId id);

// A payload with a picture or sound in it: not a sequence header, not the AVC
// end-of-sequence marker ffmpeg's FLV muxer writes last.
bool is_coded_frame(const media::MediaPayload& payload);

// The payloads among `notifications`.
std::vector<media::MediaPayload> payloads_of(const std::vector<media::MediaNotification>& notifications);

}  // namespace mmids::testing
