#include "tests/unit/containers/support/media_fixture.hpp"

#include "mmids-core/media/codecs/flv_tags.hpp"
#include "mmids-core/media/tag_inspection.hpp"
#include "mmids-core/common/byte_io.hpp"
#include "tests/unit/steps/ffmpeg/ffmpeg_test_node.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

namespace mmids::testing {

namespace {


constexpr size_t kOnMetaDataNameSize = 13;  // AMF0 string "onMetaData"

std::string ffmpeg_inputs(FixtureKind kind) {
  const std::string video =
      "-f lavfi -i testsrc2=size=640x360:rate=30 ";
  const std::string x264 = "-c:v libx264 -preset ultrafast -g 30 ";
  switch (kind) {
    case FixtureKind::AudioVideo:
      return video + "-f lavfi -i sine=sample_rate=44100 -t 3 " + x264 + "-bf 2 -c:a aac -ac 2 ";
    case FixtureKind::AudioOnly48k:
      return "-f lavfi -i sine=sample_rate=48000 -t 3 -c:a aac -ac 1 ";
    case FixtureKind::VideoOnly:
      return video + "-t 3 " + x264;
  }
  return {};
}

MediaFixture make_fixture(FixtureKind kind) {
  static TempDir directory;
  const auto path = (directory.path() / ("fixture_" + std::to_string(static_cast<int>(kind)) + ".flv")).string();
  const std::string command = "ffmpeg -nostdin -v error -y " + ffmpeg_inputs(kind) + "-f flv '" + path + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(path, std::ios::binary);
  MediaFixture fixture;
  fixture.flv_file.assign(std::istreambuf_iterator<char>(in), {});
  fixture.notifications = read_flv_file(fixture.flv_file, media::next_stream_id());
  for (const auto& payload : payloads_of(fixture.notifications)) {
    if (!is_coded_frame(payload)) continue;
    if (payload.is_video()) {
      ++fixture.video_frames;
      fixture.video_keyframes += payload.is_keyframe ? 1 : 0;
    } else {
      ++fixture.audio_frames;
    }
  }
  return fixture;
}

}  // namespace

const MediaFixture& media_fixture(FixtureKind kind) {
  static std::map<FixtureKind, MediaFixture> fixtures;
  auto it = fixtures.find(kind);
  if (it == fixtures.end()) it = fixtures.emplace(kind, make_fixture(kind)).first;
  return it->second;
}

std::vector<media::MediaNotification> read_flv_file(std::span<const uint8_t> file, media::StreamId id) {
  std::vector<media::MediaNotification> out;
  REQUIRE(file.size() >= 13);
  REQUIRE(file[0] == 'F');
  out.push_back(media::NewStream{id, "fixture"});
  size_t at = byte_io::read_u32be(file.data() + 5) + 4;  // header size, then PreviousTagSize0
  while (at + 11 <= file.size()) {
    const uint8_t type = file[at] & 0x1F;
    const uint32_t size = byte_io::read_u24be(file.data() + at + 1);
    const uint32_t timestamp = byte_io::read_u24be(file.data() + at + 4) | (uint32_t{file[at + 7]} << 24);
    REQUIRE(at + 11 + size <= file.size());
    auto body = media::SharedBuffer::copy_of(file.subspan(at + 11, size));
    if (type == 8 || type == 9) {
      out.push_back(media::make_payload(id, type == 9 ? media::MediaKind::Video : media::MediaKind::Audio, timestamp,
                                        std::move(body)));
    } else if (type == 18 && size > kOnMetaDataNameSize) {
      out.push_back(media::StreamMetadata{id, body.slice(kOnMetaDataNameSize, size)});
    }
    at += 11 + size + 4;
  }
  return out;
}

bool is_coded_frame(const media::MediaPayload& payload) {
  if (payload.is_sequence_header || payload.data.empty()) return false;
  return !(payload.is_video() && payload.data.size() >= 2 && payload.data[1] == media::flv::kAvcEndOfSequence);
}

std::vector<media::MediaPayload> payloads_of(const std::vector<media::MediaNotification>& notifications) {
  std::vector<media::MediaPayload> out;
  for (const auto& notification : notifications) {
    if (const auto* payload = std::get_if<media::MediaPayload>(&notification)) out.push_back(*payload);
  }
  return out;
}

}  // namespace mmids::testing
