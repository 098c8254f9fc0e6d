// The FLV file reader and the looping file source of `mmids-bench publish --file`.
#include "tools/bench/stream/flv_file.hpp"

#include "mmids-core/common/byte_io.hpp"

#include <catch2/catch.hpp>

using namespace mmids;
using namespace mmids::bench;

namespace {

void put_tag(std::vector<uint8_t>& out, uint8_t type, uint32_t timestamp, std::vector<uint8_t> body) {
  out.push_back(type);
  byte_io::put_u24be(out, static_cast<uint32_t>(body.size()));
  byte_io::put_u24be(out, timestamp & 0xFFFFFF);
  out.push_back(static_cast<uint8_t>(timestamp >> 24));
  byte_io::put_u24be(out, 0);
  out.insert(out.end(), body.begin(), body.end());
  byte_io::put_u32be(out, static_cast<uint32_t>(11 + body.size()));
}

std::vector<uint8_t> sample_file() {
  std::vector<uint8_t> file{'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};
  std::vector<uint8_t> script{0x02, 0x00, 0x0a, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a', 0x08, 0, 0, 0, 0, 0, 0, 9};
  put_tag(file, 18, 0, script);
  put_tag(file, 9, 0, {0x17, 0x00, 0, 0, 0, 0x01, 0x42});  // AVC sequence header
  put_tag(file, 8, 0, {0xAF, 0x00, 0x12, 0x10});           // AAC sequence header
  put_tag(file, 9, 1000, {0x17, 0x01, 0, 0, 0, 0xAA});
  put_tag(file, 8, 1010, {0xAF, 0x01, 0x21});
  put_tag(file, 9, 1033, {0x27, 0x01, 0, 0, 0, 0xBB});
  put_tag(file, 9, 1066, {0x27, 0x01, 0, 0, 0, 0xCC});
  // A last tag cut short, as a killed recorder leaves it.
  file.insert(file.end(), {9, 0, 0, 50, 0, 0, 0x04, 0x40, 0, 0, 0, 0x27});
  return file;
}

}  // namespace

TEST_CASE("bench FLV file: metadata, sequence headers and media re-based to 0", "[bench][flv]") {
  auto file = parse_flv_file(media::SharedBuffer::adopt(sample_file()));
  REQUIRE(file.ok());
  REQUIRE(file->metadata.size() == 8);
  CHECK(file->metadata[0] == 0x08);  // the ECMA array, without the "onMetaData" name
  REQUIRE(file->sequence_headers.size() == 2);
  CHECK(file->sequence_headers[0].kind == media::MediaKind::Video);
  CHECK(file->sequence_headers[1].kind == media::MediaKind::Audio);
  REQUIRE(file->media.size() == 4);
  CHECK(file->media[0].timestamp_ms == 0);
  CHECK(file->media[1].timestamp_ms == 10);
  CHECK(file->media[1].kind == media::MediaKind::Audio);
  CHECK(file->media[3].timestamp_ms == 66);
  CHECK(file->media[3].body[5] == 0xCC);
  CHECK(file->loop_period_ms == 66 + 33);  // the last frame plus one frame interval
}

TEST_CASE("bench FLV file loops with timestamps continuing", "[bench][flv]") {
  auto file = parse_flv_file(media::SharedBuffer::adopt(sample_file()));
  REQUIRE(file.ok());
  FileTags tags(std::make_shared<const FlvFile>(std::move(file).value()));
  std::vector<uint32_t> timestamps;
  for (int i = 0; i < 9; ++i) {
    const uint32_t due = tags.next_timestamp();
    CHECK(tags.take(0).timestamp_ms == due);
  }
  FileTags again(std::make_shared<const FlvFile>(*parse_flv_file(media::SharedBuffer::adopt(sample_file()))));
  for (int i = 0; i < 9; ++i) timestamps.push_back(again.take(0).timestamp_ms);
  CHECK(timestamps == std::vector<uint32_t>{0, 10, 33, 66, 99, 109, 132, 165, 198});
}

TEST_CASE("bench FLV file errors say what is wrong", "[bench][flv]") {
  CHECK_FALSE(parse_flv_file(media::SharedBuffer::copy_of(std::string_view("not a file at all"))).ok());
  std::vector<uint8_t> header_only{'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};
  auto empty = parse_flv_file(media::SharedBuffer::adopt(std::move(header_only)));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().find("no audio or video") != std::string::npos);
  auto encrypted = sample_file();
  encrypted[13 + 11 + 21 + 4] |= 0x20;  // the filter bit of the second tag
  CHECK_FALSE(parse_flv_file(media::SharedBuffer::adopt(std::move(encrypted))).ok());
  CHECK_FALSE(read_flv_file("/nonexistent/file.flv").ok());
}
