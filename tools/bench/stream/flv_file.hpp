#pragma once
// A small FLV file reader for `mmids-bench publish --file` (Adobe FLV spec, annex E): the
// onMetaData value, the first sequence headers and every other audio and video tag, their
// bodies slices of the one file buffer (no copy per tag). Timestamps are re-based so the
// first media tag is at 0. A file cut short after its last complete tag is accepted (a
// recording stopped by a kill); anything else malformed is an error saying where.
#include "mmids-core/common/result.hpp"
#include "tools/bench/stream/tag_source.hpp"

#include <string>
#include <vector>

namespace mmids::bench {

struct FlvFile {
  media::SharedBuffer metadata;               // the onMetaData value (AMF0); empty when absent
  std::vector<OutgoingTag> sequence_headers;  // the first video and audio ones, at 0
  std::vector<OutgoingTag> media;             // in file order, from 0
  // Where a second pass over `media` starts: the last timestamp plus one video frame
  // interval, so a looped file keeps its frame rate across the seam.
  uint32_t loop_period_ms = 0;
};

[[nodiscard]] Result<FlvFile> parse_flv_file(media::SharedBuffer file);
[[nodiscard]] Result<FlvFile> read_flv_file(const std::string& path);

// One publisher's position in a file, looped for as long as it is asked, timestamps
// continuing across the loops.
class FileTags final : public TagSource {
 public:
  explicit FileTags(std::shared_ptr<const FlvFile> file);

  [[nodiscard]] const media::SharedBuffer& metadata() const override { return file_->metadata; }
  [[nodiscard]] std::span<const OutgoingTag> sequence_headers() const override { return file_->sequence_headers; }
  [[nodiscard]] uint32_t next_timestamp() const override;
  OutgoingTag take(uint64_t now_ns) override;

 private:
  std::shared_ptr<const FlvFile> file_;
  size_t index_ = 0;
  uint32_t loop_offset_ms_ = 0;
};

}  // namespace mmids::bench
