// A player's record (first video, first keyframe, stalls, window bytes, latency) and the
// failure causes, without sockets.
#include "tools/bench/measure/failure_cause.hpp"
#include "tools/bench/measure/player_record.hpp"
#include "tools/bench/stream/latency_stamp.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::bench;
using namespace std::chrono_literals;

namespace {
const std::vector<uint8_t> kSequenceHeader{0x17, 0x00, 0, 0, 0, 1, 0x42};
const std::vector<uint8_t> kKeyframe{0x17, 0x01, 0, 0, 0, 0xAA};
const std::vector<uint8_t> kInterframe{0x27, 0x01, 0, 0, 0, 0xBB};
const std::vector<uint8_t> kAudio{0xAF, 0x01, 0x21};
}  // namespace

TEST_CASE("bench player record: times from connect start, first video kind", "[bench][record]") {
  const auto t0 = Clock::now();
  MeasureWindow window;
  PlayerRecord record;
  record.on_connect(t0);
  record.on_play_start(t0 + 5ms);
  record.on_media(media::MediaKind::Audio, kAudio, t0 + 6ms, window, nullptr);
  record.on_media(media::MediaKind::Video, kSequenceHeader, t0 + 7ms, window, nullptr);
  record.on_media(media::MediaKind::Video, kInterframe, t0 + 8ms, window, nullptr);
  record.on_media(media::MediaKind::Video, kKeyframe, t0 + 9ms, window, nullptr);
  CHECK(record.playing());
  CHECK(*record.to_play_start == 5ms);
  CHECK(record.first_video == FirstVideo::SequenceHeader);
  CHECK(*record.to_first_video == 7ms);
  CHECK(*record.to_first_keyframe == 9ms);  // not the sequence header, though FLV flags it key
  CHECK(record.video_frames == 3);
  CHECK(record.audio_frames == 1);
  CHECK(record.media_bytes == kAudio.size() + kSequenceHeader.size() + kInterframe.size() + kKeyframe.size());
  CHECK(record.stalls == 0);

  PlayerRecord joined_late;
  joined_late.on_connect(t0);
  joined_late.on_media(media::MediaKind::Video, kInterframe, t0 + 1ms, window, nullptr);
  CHECK(joined_late.first_video == FirstVideo::Interframe);
  CHECK_FALSE(joined_late.to_first_keyframe);
  CHECK(std::string(first_video_name(joined_late.first_video)) == "interframe");
}

TEST_CASE("bench player record: stalls, window bytes and latency samples", "[bench][record]") {
  const auto t0 = Clock::now();
  MeasureWindow window{t0 + 1s, t0 + 10s};
  Histogram latency;
  PlayerRecord record;
  record.on_connect(t0);
  record.on_media(media::MediaKind::Video, kKeyframe, t0 + 100ms, window, &latency);   // before the window
  record.on_media(media::MediaKind::Video, kInterframe, t0 + 1500ms, window, &latency);  // a 1.4 s gap: a stall
  record.on_media(media::MediaKind::Video, kInterframe, t0 + 2s, window, &latency);
  CHECK(record.stalls == 1);
  CHECK(record.longest_gap == 1400ms);
  CHECK(record.window_bytes == 2 * kInterframe.size());

  std::vector<uint8_t> stamped{0x27, 0x01, 0, 0, 0};
  const auto sent = t0 + 2900ms;
  append_latency_stamp(stamped,
                       static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(sent.time_since_epoch()).count()));
  record.on_media(media::MediaKind::Video, stamped, t0 + 3s, window, &latency);
  REQUIRE(latency.count() == 1);
  CHECK(latency.max() == 100'000'000);  // 100 ms in ns

  record.on_finish(t0 + 5s);  // silent for the last 2 s: a stall too
  CHECK(record.stalls == 2);
  CHECK(record.failure.empty());
}

TEST_CASE("bench failure causes", "[bench][record]") {
  CHECK(failure_cause("cannot connect to 127.0.0.1:1: Connection refused", false) == "connect refused");
  CHECK(failure_cause("timed out connecting to 10.1.1.1:1935", false) == "connect timeout");
  CHECK(failure_cause("no NetStream.Play.Start within the connect timeout", false) == "no start within timeout");
  CHECK(failure_cause("server refused: NetStream.Play.StreamNotFound no such stream", false) ==
        "refused: NetStream.Play.StreamNotFound");
  CHECK(failure_cause("the server ended the stream (NetStream.Play.UnpublishNotify)", true) == "ended by server");
  CHECK(failure_cause("no data for 10000 ms", true) == "media timeout");
  CHECK(failure_cause("connection closed by peer", false) == "closed before start");
  CHECK(failure_cause("connection closed by peer", true) == "closed by server");
  CHECK(failure_cause("a write blocked for 10000 ms", true) == "write timeout");
  CHECK(failure_cause("something new", true) == "something new");
}
