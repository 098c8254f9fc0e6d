#pragma once
// GatherList: bytes to send as one scatter/gather write, without Asio in sight. Small
// framing bytes (headers, trailers) are copied into the list's own storage; media
// bodies are referenced from their SharedBuffers, which the list keeps alive. So a
// video frame sent to 500 HTTP-FLV viewers is 500 small headers and one body.
#include "mmids-core/media/shared_buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mmids::containers {

class GatherList {
 public:
  using Spans = std::vector<std::span<const uint8_t>>;

  void append_copy(std::span<const uint8_t> bytes);
  void append_shared(const media::SharedBuffer& buffer);

  // The byte sequence, in order, appended to `out` (a vector the caller reuses). Valid
  // until this list is modified or destroyed.
  void spans_into(Spans& out) const;
  [[nodiscard]] Spans spans() const;

  [[nodiscard]] size_t size() const { return total_bytes_; }
  [[nodiscard]] bool empty() const { return total_bytes_ == 0; }
  // A contiguous copy, for tests and for writes too small to be worth gathering.
  [[nodiscard]] std::vector<uint8_t> to_bytes() const;
  void clear();

 private:
  struct Piece {
    bool owned;    // in owned_ (else shared_[index])
    size_t index;  // offset into owned_, or index into shared_
    size_t length;
  };

  std::vector<uint8_t> owned_;
  std::vector<media::SharedBuffer> shared_;
  std::vector<Piece> pieces_;
  size_t total_bytes_ = 0;
};

}  // namespace mmids::containers
