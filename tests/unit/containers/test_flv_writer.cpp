// FlvWriter: the HTTP-FLV body byte by byte (file header, tag header with the 24-bit
// timestamp and its extended byte, body by reference, PreviousTagSize, the onMetaData
// script tag), and a real file rewritten tag by tag comes out identical and demuxes.
#include "mmids-core/containers/flv_writer.hpp"
#include "tests/unit/containers/support/libav_demux.hpp"
#include "tests/unit/containers/support/media_fixture.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::containers;
using Bytes = std::vector<uint8_t>;

namespace {

media::MediaPayload video_payload(uint32_t timestamp, Bytes body) {
  media::MediaPayload payload;
  payload.kind = media::MediaKind::Video;
  payload.timestamp_ms = timestamp;
  payload.data = media::SharedBuffer::adopt(std::move(body));
  return payload;
}

}  // namespace

TEST_CASE("containers/flv: the FLV file header says which tracks there are", "[containers][flv]") {
  GatherList out;
  FlvWriter().write_file_header(out);
  CHECK(out.to_bytes() == Bytes{'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0});
  GatherList audio_only;
  FlvWriter(FlvWriterOptions{.has_audio = true, .has_video = false}).write_file_header(audio_only);
  CHECK(audio_only.to_bytes()[4] == 0x04);
  GatherList video_only;
  FlvWriter(FlvWriterOptions{.has_audio = false, .has_video = true}).write_file_header(video_only);
  CHECK(video_only.to_bytes()[4] == 0x01);
}

TEST_CASE("containers/flv: a payload becomes tag header, the body by reference, and PreviousTagSize", "[containers][flv]") {
  FlvWriter writer;
  GatherList out;
  const auto payload = video_payload(0x00123456, {0x17, 1, 0, 0, 0, 0xAB});
  REQUIRE(writer.write(payload, out));
  CHECK(out.to_bytes() == Bytes{9, 0, 0, 6, 0x12, 0x34, 0x56, 0, 0, 0, 0,  // type, size, timestamp, ext, stream id
                                0x17, 1, 0, 0, 0, 0xAB,                    // the body
                                0, 0, 0, 17});                             // 11 + 6
  const auto spans = out.spans();
  REQUIRE(spans.size() == 3);
  CHECK(spans[1].data() == payload.data.data());  // not copied
  CHECK(payload.data.use_count() == 2);           // and kept alive by the list

  media::MediaPayload audio;
  audio.kind = media::MediaKind::Audio;
  audio.data = media::SharedBuffer::copy_of(std::string_view("\xAF\x01"));
  REQUIRE(writer.write(audio, out));
  CHECK(out.spans().size() == 5);  // PreviousTagSize and the next header merge into one piece
  CHECK(out.to_bytes()[21] == 8);
}

TEST_CASE("containers/flv: timestamps past 24 bits go into the extended byte", "[containers][flv]") {
  FlvWriter writer;
  GatherList out;
  REQUIRE(writer.write(video_payload(0x12345678, {0x27, 1, 0, 0, 0}), out));
  const auto bytes = out.to_bytes();
  CHECK(Bytes(bytes.begin() + 4, bytes.begin() + 8) == Bytes{0x34, 0x56, 0x78, 0x12});
}

TEST_CASE("containers/flv: metadata becomes an onMetaData script tag", "[containers][flv]") {
  FlvWriter writer;
  GatherList out;
  const Bytes amf0{0x08, 0, 0, 0, 0, 0, 0, 9};  // an empty ECMA array
  REQUIRE(writer.write(media::StreamMetadata{1, media::SharedBuffer::copy_of(amf0)}, out));
  Bytes expected{18, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 10, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'};
  expected.insert(expected.end(), amf0.begin(), amf0.end());
  expected.insert(expected.end(), {0, 0, 0, 32});
  CHECK(out.to_bytes() == expected);
}

TEST_CASE("containers/flv: stream events write nothing; bodies FLV cannot frame are refused", "[containers][flv]") {
  FlvWriter writer;
  GatherList out;
  CHECK(writer.write(media::NewStream{1, "key"}, out));
  CHECK(writer.write(media::StreamDisconnected{1}, out));
  CHECK(out.empty());
  auto status = writer.write(video_payload(0, Bytes(FlvWriter::kMaxBodySize + 1, 0)), out);
  CHECK_FALSE(status);
  CHECK(status.error() == "tag body larger than FLV's 24-bit size");
  CHECK(out.empty());
}

TEST_CASE("containers/flv: start_at_zero makes the first tag time 0 and keeps the rest relative", "[containers][flv]") {
  FlvWriter writer(FlvWriterOptions{.start_at_zero = true});
  GatherList out;
  auto timestamp_of_last = [&] {
    const auto bytes = out.to_bytes();
    const size_t at = bytes.size() - 4 - 5 - 11;
    return (uint32_t{bytes[at + 7]} << 24) | (uint32_t{bytes[at + 4]} << 16) | (uint32_t{bytes[at + 5]} << 8) |
           bytes[at + 6];
  };
  REQUIRE(writer.write(video_payload(0xFFFFFF00, {0x17, 1, 0, 0, 0}), out));
  CHECK(timestamp_of_last() == 0);
  REQUIRE(writer.write(video_payload(0x00000100, {0x27, 1, 0, 0, 0}), out));  // across the 32-bit wrap
  CHECK(timestamp_of_last() == 0x200);
  REQUIRE(writer.write(video_payload(0xFFFFFE00, {0x27, 1, 0, 0, 0}), out));  // before the first
  CHECK(timestamp_of_last() == 0);
}

TEST_CASE("containers/flv: a real FLV file rewritten tag by tag is identical and demuxes", "[containers][flv][libav]") {
  const auto& fixture = testing::media_fixture(testing::FixtureKind::AudioVideo);
  FlvWriter writer;
  GatherList out;
  writer.write_file_header(out);
  for (const auto& notification : fixture.notifications) REQUIRE(writer.write(notification, out));
  const auto bytes = out.to_bytes();
  CHECK(bytes == fixture.flv_file);

  const auto demuxed = testing::demux_memory(bytes, "flv");
  REQUIRE(demuxed.error.empty());
  const int video = demuxed.stream_of("video");
  REQUIRE(video >= 0);
  CHECK(demuxed.streams[video].codec == "h264");
  CHECK(demuxed.streams[video].width == 640);
  CHECK(demuxed.streams[video].height == 360);
  CHECK(demuxed.streams[demuxed.stream_of("audio")].sample_rate == 44100);
  const auto video_packets = demuxed.packets_of("video");
  size_t keyframes = 0;
  for (size_t i = 0; i < video_packets.size(); ++i) {
    keyframes += video_packets[i].keyframe ? 1 : 0;
    if (i > 0) CHECK(video_packets[i].dts > video_packets[i - 1].dts);
  }
  CHECK(video_packets.size() == fixture.video_frames);
  CHECK(keyframes == fixture.video_keyframes);
  CHECK(demuxed.packets_of("audio").size() == fixture.audio_frames);
}
