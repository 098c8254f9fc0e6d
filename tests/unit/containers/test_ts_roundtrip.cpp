// Round trips through a real demuxer: H.264/AAC made by the ffmpeg program, read as an
// RTMP publisher would send it, muxed to MPEG-TS, demuxed again by libavformat from
// memory. Codec parameters, packet counts, keyframe flags and timestamps must survive.
#include "mmids-core/containers/ts_muxer.hpp"
#include "tests/unit/containers/support/libav_demux.hpp"
#include "tests/unit/containers/support/media_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::containers;
using namespace mmids::testing;

namespace {

std::vector<uint8_t> mux_all(const std::vector<media::MediaPayload>& payloads) {
  TsMuxer muxer;
  std::vector<uint8_t> out;
  for (const auto& payload : payloads) {
    const auto result = muxer.write(payload, out);
    INFO(result.reason);
    REQUIRE_FALSE(result.is_problem());
  }
  return out;
}

std::vector<media::MediaPayload> frames_of(const std::vector<media::MediaPayload>& payloads, media::MediaKind kind) {
  std::vector<media::MediaPayload> out;
  for (const auto& payload : payloads) {
    if (payload.kind == kind && is_coded_frame(payload)) out.push_back(payload);
  }
  return out;
}

int64_t expected_dts(const media::MediaPayload& payload) {
  return int64_t{payload.timestamp_ms} * 90 + static_cast<int64_t>(TsMuxer::kDecodeDelay90khz);
}

// Every frame came out, in order, with its timestamps and keyframe flag.
void check_frames(const std::vector<DemuxedPacket>& packets, const std::vector<media::MediaPayload>& frames) {
  REQUIRE(packets.size() == frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    INFO("frame " << i);
    CHECK(packets[i].dts == expected_dts(frames[i]));
    CHECK(packets[i].pts == expected_dts(frames[i]) + frames[i].composition_offset_ms * 90);
    if (frames[i].is_video()) CHECK(packets[i].keyframe == frames[i].is_keyframe);
    if (i > 0) CHECK(packets[i].dts > packets[i - 1].dts);
  }
}

// A fixture muxed to MPEG-TS and demuxed again.
struct RoundTrip {
  std::vector<media::MediaPayload> payloads;
  Demuxed demuxed;

  // Every frame of `kind` came out, in order, with its timestamps and keyframe flag.
  void check_track(media::MediaKind kind) const {
    check_frames(demuxed.packets_of(kind == media::MediaKind::Video ? "video" : "audio"), frames_of(payloads, kind));
  }
};

RoundTrip round_trip(FixtureKind kind) {
  RoundTrip trip;
  trip.payloads = payloads_of(media_fixture(kind).notifications);
  const auto ts = mux_all(trip.payloads);
  REQUIRE(ts.size() % 188 == 0);
  trip.demuxed = demux_memory(ts, "mpegts");
  REQUIRE(trip.demuxed.error.empty());
  return trip;
}

}  // namespace

TEST_CASE("containers/ts: H.264 + AAC from ffmpeg survive MPEG-TS muxing through libavformat's demuxer", "[containers][ts][libav]") {
  const auto& fixture = media_fixture(FixtureKind::AudioVideo);
  const auto trip = round_trip(FixtureKind::AudioVideo);
  const auto& demuxed = trip.demuxed;
  REQUIRE(demuxed.streams.size() == 2);
  const auto& video = demuxed.streams[demuxed.stream_of("video")];
  const auto& audio = demuxed.streams[demuxed.stream_of("audio")];
  CHECK(video.codec == "h264");
  CHECK(video.width == 640);
  CHECK(video.height == 360);
  CHECK(audio.codec == "aac");
  CHECK(audio.sample_rate == 44100);
  CHECK(audio.channels == 2);

  CHECK(fixture.video_frames == 90);
  CHECK(fixture.video_keyframes == 3);
  // The fixture has B-frames: some composition offsets are not zero.
  const auto video_frames = frames_of(trip.payloads, media::MediaKind::Video);
  CHECK(std::any_of(video_frames.begin(), video_frames.end(), [](const auto& f) { return f.composition_offset_ms > 0; }));
  trip.check_track(media::MediaKind::Video);
  trip.check_track(media::MediaKind::Audio);
}

TEST_CASE("containers/ts: audio-only AAC at 48 kHz survives MPEG-TS muxing", "[containers][ts][libav]") {
  const auto trip = round_trip(FixtureKind::AudioOnly48k);
  REQUIRE(trip.demuxed.streams.size() == 1);
  CHECK(trip.demuxed.streams[0].codec == "aac");
  CHECK(trip.demuxed.streams[0].sample_rate == 48000);
  CHECK(trip.demuxed.streams[0].channels == 1);
  CHECK(media_fixture(FixtureKind::AudioOnly48k).audio_frames > 100);
  trip.check_track(media::MediaKind::Audio);
}

TEST_CASE("containers/ts: video-only H.264 survives MPEG-TS muxing", "[containers][ts][libav]") {
  const auto trip = round_trip(FixtureKind::VideoOnly);
  REQUIRE(trip.demuxed.streams.size() == 1);
  CHECK(trip.demuxed.streams[0].codec == "h264");
  CHECK(trip.demuxed.streams[0].width == 640);
  trip.check_track(media::MediaKind::Video);
}
