#pragma once
// TagSource: what one mmids-bench publisher sends, in send order: the metadata and the
// sequence headers once (at timestamp 0), then media tags whose timestamps never go back.
// The publisher sends each tag when the wall clock reaches its timestamp. Sources share
// their immutable bytes between publishers: a tag body is a SharedBuffer, referenced
// and not copied, except generated video frames, which carry their own send time.
#include "mmids-core/media/notification.hpp"

#include <cstdint>
#include <span>

namespace mmids::bench {

struct OutgoingTag {
  media::MediaKind kind = media::MediaKind::Video;
  uint32_t timestamp_ms = 0;
  media::SharedBuffer body;  // the FLV tag body
};

class TagSource {
 public:
  virtual ~TagSource() = default;

  // The onMetaData value (AMF0), empty when the stream has none.
  [[nodiscard]] virtual const media::SharedBuffer& metadata() const = 0;
  [[nodiscard]] virtual std::span<const OutgoingTag> sequence_headers() const = 0;
  // When the next tag is due, without taking it.
  [[nodiscard]] virtual uint32_t next_timestamp() const = 0;
  // The next tag. `now_ns` (the monotonic clock) is the latency stamp of a generated
  // video frame; other sources ignore it.
  virtual OutgoingTag take(uint64_t now_ns) = 0;
};

}  // namespace mmids::bench
