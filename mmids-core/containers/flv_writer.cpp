#include "mmids-core/containers/flv_writer.hpp"

#include "mmids-core/media/codecs/flv_tags.hpp"

#include <algorithm>
#include <array>

namespace mmids::containers {

namespace {

using media::flv::kOnMetaDataName;
using media::flv::kTagAudio;
using media::flv::kTagScript;
using media::flv::kTagVideo;
constexpr uint8_t kFlagAudio = 0x04;
constexpr uint8_t kFlagVideo = 0x01;

void write_u24(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
}

}  // namespace

void FlvWriter::write_file_header(GatherList& out) const {
  const uint8_t flags = (options_.has_audio ? kFlagAudio : 0) | (options_.has_video ? kFlagVideo : 0);
  const uint8_t header[kFileHeaderSize] = {'F', 'L', 'V', 1, flags, 0, 0, 0, 9, 0, 0, 0, 0};
  out.append_copy(header);
}

Status FlvWriter::write(const media::MediaNotification& notification, GatherList& out) {
  if (const auto* payload = std::get_if<media::MediaPayload>(&notification)) return write_payload(*payload, out);
  if (const auto* metadata = std::get_if<media::StreamMetadata>(&notification)) return write_metadata(*metadata, out);
  return {};
}

Status FlvWriter::write_payload(const media::MediaPayload& payload, GatherList& out) {
  return write_tag(payload.is_video() ? kTagVideo : kTagAudio, payload.timestamp_ms, {}, payload.data, out);
}

Status FlvWriter::write_metadata(const media::StreamMetadata& metadata, GatherList& out, uint32_t timestamp_ms) {
  return write_tag(kTagScript, timestamp_ms, kOnMetaDataName, metadata.amf0, out);
}

Status FlvWriter::write_tag(uint8_t type, uint32_t timestamp_ms, std::span<const uint8_t> prefix,
                                  const media::SharedBuffer& body, GatherList& out) {
  const size_t data_size = prefix.size() + body.size();
  if (data_size > kMaxBodySize) return Error("tag body larger than FLV's 24-bit size");
  const uint32_t timestamp = output_timestamp(timestamp_ms);
  std::array<uint8_t, kTagHeaderSize + sizeof kOnMetaDataName> head{};
  head[0] = type;
  write_u24(&head[1], static_cast<uint32_t>(data_size));
  write_u24(&head[4], timestamp & 0xFFFFFF);  // lower 24 bits, then the upper 8
  head[7] = static_cast<uint8_t>(timestamp >> 24);
  write_u24(&head[8], 0);  // StreamID: always 0
  std::copy(prefix.begin(), prefix.end(), head.begin() + kTagHeaderSize);
  out.append_copy(std::span(head).first(kTagHeaderSize + prefix.size()));
  out.append_shared(body);
  uint8_t previous_tag_size[4];
  const auto tag_size = static_cast<uint32_t>(kTagHeaderSize + data_size);
  previous_tag_size[0] = static_cast<uint8_t>(tag_size >> 24);
  write_u24(previous_tag_size + 1, tag_size);
  out.append_copy(previous_tag_size);
  return {};
}

uint32_t FlvWriter::output_timestamp(uint32_t timestamp_ms) {
  if (!options_.start_at_zero) return timestamp_ms;
  if (!origin_ms_) origin_ms_ = timestamp_ms;
  // Wrapping difference read as signed: a tag slightly before the first one is at 0.
  const auto since_origin = static_cast<int32_t>(timestamp_ms - *origin_ms_);
  return since_origin < 0 ? 0 : static_cast<uint32_t>(since_origin);
}

}  // namespace mmids::containers
