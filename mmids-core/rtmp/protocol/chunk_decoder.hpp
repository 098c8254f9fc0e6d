#pragma once
// ChunkDecoder: reassembles RTMP messages from the chunk stream a peer sends, fed with
// byte spans of any size and split (a socket read never aligns with chunks).
//
// - All four chunk header formats; 1/2/3-byte basic headers (chunk stream ids 2..65599).
// - Timestamps are made absolute (fmt 0 absolute, fmt 1/2 deltas, fmt 3 repeats the
//   previous delta) with 32-bit wrapping arithmetic. A fmt 3 chunk starting a new
//   message right after a fmt 0 header repeats the fmt 0 timestamp field as its delta,
//   as ffmpeg and librtmp interpret (and write) it.
// - Extended timestamps: a fmt 3 chunk of a stream whose last header used the extended
//   field carries it again (the spec, ffmpeg, nginx-rtmp). Some writers omit it; when
//   the four bytes do not match the expected value (the stored field, or the message's
//   absolute timestamp, which some writers put there) they are read again as payload
//   (or as the next header, when fewer than four payload bytes were left).
// - Set Chunk Size (type 1) and Abort (type 2) are applied by the decoder itself, at the
//   exact byte where they end, and still delivered so the session can log them.
// - Limits are checked from the header alone, before any allocation: a peer cannot make
//   the decoder reserve more than `max_buffered_bytes` across partial messages.
// - Each message payload is allocated once (its declared length) and handed out as a
//   SharedBuffer without copying.
// Errors are sticky: once feed() fails, the connection is beyond repair.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "mmids-core/common/result.hpp"
#include "mmids-core/rtmp/protocol/rtmp_message.hpp"

namespace mmids::rtmp {

struct ChunkDecoderLimits {
  // Largest message accepted (the 24-bit length field allows 16 MiB - 1).
  uint32_t max_message_length = 8 * 1024 * 1024;
  // Chunk streams with a message in progress at the same time.
  size_t max_partial_messages = 32;
  // Sum of the declared lengths of all messages in progress.
  size_t max_buffered_bytes = 32 * 1024 * 1024;
  // Chunk stream ids whose last header is remembered (each costs a little memory).
  size_t max_chunk_streams = 1024;
};

class ChunkDecoder {
 public:
  static constexpr uint32_t kDefaultChunkSize = 128;
  static constexpr uint32_t kMaxChunkSize = 0x7FFFFFFF;

  explicit ChunkDecoder(ChunkDecoderLimits limits = {});

  // Consumes all of `bytes`, appending every message completed to `out` (in wire
  // order). On error, messages completed before the bad byte are still in `out`.
  Status feed(std::span<const uint8_t> bytes, std::vector<RtmpMessage>& out);

  // The peer's current chunk size (changed by the Set Chunk Size messages it sends).
  [[nodiscard]] uint32_t chunk_size() const { return chunk_size_; }
  // Total bytes consumed, for Acknowledgement sequence numbers (send the low 32 bits).
  [[nodiscard]] uint64_t bytes_received() const { return bytes_received_; }
  // Bytes reserved for messages in progress.
  [[nodiscard]] size_t buffered_bytes() const { return buffered_bytes_; }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  struct ChunkStream {
    uint32_t id = 0;
    uint32_t timestamp = 0;  // absolute timestamp of the current / last message
    uint32_t ts_field = 0;   // last timestamp field (fmt 0: absolute, fmt 1/2: delta)
    bool extended = false;   // the last fmt 0/1/2 header used the extended field
    uint32_t length = 0;
    uint8_t type_id = 0;
    uint32_t message_stream_id = 0;
    bool in_progress = false;
    std::vector<uint8_t> partial;
  };

  Status consume(std::span<const uint8_t> bytes, std::vector<RtmpMessage>& out);
  // Header bytes needed so far given what is in header_ (0 after a failure).
  size_t header_length_needed();
  Status on_header(std::vector<RtmpMessage>& out);
  Status begin_message(ChunkStream& stream, std::vector<RtmpMessage>& out);
  Status finish_chunk(std::vector<RtmpMessage>& out);
  Status complete_message(ChunkStream& stream, std::vector<RtmpMessage>& out);
  void drop_partial(ChunkStream& stream);
  Status fail(std::string reason);

  ChunkDecoderLimits limits_;
  uint32_t chunk_size_ = kDefaultChunkSize;
  uint64_t bytes_received_ = 0;
  bool failed_ = false;
  std::string error_;

  std::unordered_map<uint32_t, ChunkStream> streams_;  // node-based: pointers stay valid
  size_t partial_count_ = 0;
  size_t buffered_bytes_ = 0;

  // A chunk header being assembled (at most 3 + 11 + 4 bytes).
  std::array<uint8_t, 18> header_{};
  size_t header_length_ = 0;
  // The chunk whose payload is being read, if any.
  ChunkStream* current_ = nullptr;
  uint32_t chunk_remaining_ = 0;
  // Four bytes read as an extended timestamp that turned out not to be one: they are
  // consumed again as ordinary input (payload, or the next chunk's header).
  std::array<uint8_t, 4> replay_{};
  size_t replay_length_ = 0;
};

}  // namespace mmids::rtmp
