#pragma once
// FlvWriter: the body of an HTTP-FLV response, i.e. an FLV file that never ends
// (Adobe FLV spec, annex E): the 13-byte file header once, then one tag per media
// notification: an 11-byte tag header, the tag body exactly as the publisher sent it
// (referenced, not copied), and the 4-byte PreviousTagSize. Metadata becomes an
// `onMetaData` script tag. The output is a GatherList, ready for a gathered socket write.
//
// Timestamps are written as given (24 bits plus the extended byte); a caller serving
// one viewer across stream restarts keeps them continuous before they get here.
#include "mmids-core/containers/gather_list.hpp"
#include "mmids-core/media/notification.hpp"
#include "mmids-core/common/result.hpp"

#include <optional>

namespace mmids::containers {

struct FlvWriterOptions {
  bool has_audio = true;  // the file header's TypeFlagsAudio / TypeFlagsVideo
  bool has_video = true;
  // The first tag is written at time 0 and the rest relative to it (earlier ones at 0):
  // a viewer joining a live stream gets a file that starts at 0, as players expect.
  bool start_at_zero = false;
};

class FlvWriter {
 public:
  static constexpr size_t kFileHeaderSize = 13;  // 9-byte header + PreviousTagSize0
  static constexpr size_t kTagHeaderSize = 11;
  static constexpr size_t kMaxBodySize = 0xFFFFFF;  // the tag header's 24-bit DataSize

  explicit FlvWriter(FlvWriterOptions options = {}) : options_(options) {}

  void write_file_header(GatherList& out) const;

  // Metadata and payloads become tags; NewStream and StreamDisconnected have no tag and
  // write nothing. An error (nothing written) for a body FLV cannot frame.
  Status write(const media::MediaNotification& notification, GatherList& out);
  Status write_payload(const media::MediaPayload& payload, GatherList& out);
  Status write_metadata(const media::StreamMetadata& metadata, GatherList& out, uint32_t timestamp_ms = 0);

 private:
  Status write_tag(uint8_t type, uint32_t timestamp_ms, std::span<const uint8_t> prefix,
                         const media::SharedBuffer& body, GatherList& out);
  uint32_t output_timestamp(uint32_t timestamp_ms);

  FlvWriterOptions options_;
  std::optional<uint32_t> origin_ms_;  // with start_at_zero: the first tag's timestamp
};

}  // namespace mmids::containers
