#pragma once
// ChunkEncoder: turns messages into RTMP chunks for one connection, with per chunk stream
// header compression. ChunkWriteBatch holds the result for one socket write: the chunk
// headers live once in the batch, payload bytes are referenced from the messages'
// SharedBuffers (kept alive by the batch) and interleaved with the headers as a
// scatter/gather list. So a video frame sent to 500 viewers is 500 small header buffers
// and one payload, not 500 copies.
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "mmids-core/rtmp/protocol/rtmp_message.hpp"

namespace mmids::rtmp {

class ChunkWriteBatch {
 public:
  // Calls `visit(std::span<const uint8_t>)` for each piece of the byte sequence to write,
  // in order (the transport turns them into one scatter/gather write). The spans are valid
  // until the batch is modified or destroyed.
  template <typename Visit>
  void for_each_segment(Visit&& visit) const {
    for (const auto& segment : segments_) {
      const uint8_t* base = segment.source == kHeaderSource ? headers_.data() : payloads_[segment.source].data();
      visit(std::span<const uint8_t>(base + segment.offset, segment.length));
    }
  }
  [[nodiscard]] size_t segment_count() const { return segments_.size(); }
  // Bytes that are not chunks (the handshake), copied in; they keep their place in order.
  void append_raw(std::span<const uint8_t> bytes) { add_header(bytes.data(), bytes.size()); }
  // Moves every segment of `other` behind this batch's (other ends up empty).
  void append(ChunkWriteBatch&& other);
  // Total bytes (headers + payload).
  [[nodiscard]] size_t size() const { return total_bytes_; }
  [[nodiscard]] bool empty() const { return total_bytes_ == 0; }
  [[nodiscard]] size_t message_count() const { return payloads_.size(); }
  // A contiguous copy, for tests and for small writes where gathering is not worth it.
  [[nodiscard]] std::vector<uint8_t> to_bytes() const;
  void clear();

 private:
  friend class ChunkEncoder;
  static constexpr uint32_t kHeaderSource = 0xFFFFFFFF;
  // clear() frees a batch that held more: a usual batch (one write interval of a stream) has
  // a few dozen segments and a few hundred header bytes; the handshake's 3 KiB of raw bytes
  // and a join's GOP replay are far above.
  static constexpr size_t kKeptSegments = 64;
  static constexpr size_t kKeptHeaderBytes = 512;
  struct Segment {
    uint32_t source;  // index into payloads_, or kHeaderSource for headers_
    size_t offset;
    size_t length;
  };
  void add_header(const uint8_t* bytes, size_t length);
  void add_payload(uint32_t payload_index, size_t offset, size_t length);

  std::vector<uint8_t> headers_;
  std::vector<media::SharedBuffer> payloads_;
  std::vector<Segment> segments_;
  size_t total_bytes_ = 0;
};

class ChunkEncoder {
 public:
  static constexpr uint32_t kDefaultChunkSize = 128;
  static constexpr uint32_t kMaxChunkSize = 0x7FFFFFFF;

  explicit ChunkEncoder(uint32_t chunk_size = kDefaultChunkSize);

  // Applies to messages encoded afterwards. Encode the Set Chunk Size message that
  // announces it BEFORE calling this (the peer reads that message with the old size).
  // Clamped to 1..0x7FFFFFFF.
  void set_chunk_size(uint32_t size);
  [[nodiscard]] uint32_t chunk_size() const { return chunk_size_; }

  // Appends the chunks of `message` to `batch`. Preconditions (programming errors,
  // std::invalid_argument): chunk stream id in 2..65599, payload < 16 MiB.
  void encode(const RtmpMessage& message, ChunkWriteBatch& batch);
  // Convenience: a batch holding just this message.
  ChunkWriteBatch encode(const RtmpMessage& message);

  // Forgets a chunk stream's header state, so its next message gets a full fmt 0 header
  // (after sending an Abort for it, or when a new peer-visible stream starts there).
  void reset(uint32_t chunk_stream_id) { streams_.erase(chunk_stream_id); }

 private:
  struct StreamState {
    uint32_t message_stream_id = 0;
    uint8_t type_id = 0;
    uint32_t length = 0;
    uint32_t timestamp = 0;
    uint32_t delta = 0;
    bool delta_valid = false;  // false after fmt 0: a fmt 3 would be read differently by peers
  };

  uint32_t chunk_size_;
  std::unordered_map<uint32_t, StreamState> streams_;
};

}  // namespace mmids::rtmp
