#pragma once
// RtmpChannel: the byte level of one RTMP connection, the same for both halves and free of
// sockets: the handshake, chunking both ways, and the protocol control every peer expects
// (acknowledgements when the peer's window says, ping replies, the peer's chunk size and
// aborts, aggregates split into their messages). It hands up whole messages — commands,
// data, audio, video, user control — and queues what must be sent as one ChunkWriteBatch,
// in order, for the owner to write.
#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"
#include "mmids-core/rtmp/protocol/handshake.hpp"

#include <optional>
#include <span>
#include <vector>

namespace mmids::rtmp {

struct ChannelOptions {
  ChunkDecoderLimits limits;
  uint32_t out_chunk_size = 4096;  // what set_out_chunk_size announces; 128 until then
};

class RtmpChannel {
 public:
  enum class Side { Server, Client };

  // `uptime_ms` goes into the handshake's time field.
  RtmpChannel(Side side, ChannelOptions options, uint32_t uptime_ms = 0);

  // Client: queues C0+C1 (call once, first). Server: nothing to do, S0..S2 answer C0+C1.
  void begin();

  // Consumes received bytes; appends every message that is not protocol control to
  // `messages` (aggregates arrive split). Errors are final: the connection is beyond repair.
  Status feed(std::span<const uint8_t> bytes, std::vector<RtmpMessage>& messages);

  [[nodiscard]] bool handshake_done() const { return handshake_done_; }
  // Queues a message behind everything queued before it.
  void send(const RtmpMessage& message);
  // Queues Set Chunk Size and uses the new size for what follows (options.out_chunk_size
  // when none is given).
  void set_out_chunk_size(std::optional<uint32_t> size = std::nullopt);

  [[nodiscard]] bool has_output() const { return !output_.empty(); }
  [[nodiscard]] size_t output_bytes() const { return output_.size(); }
  // Everything queued so far, in order; the channel starts a new batch.
  void take_output(ChunkWriteBatch& into);

  [[nodiscard]] uint64_t bytes_received() const { return decoder_.bytes_received(); }
  [[nodiscard]] uint32_t out_chunk_size() const { return encoder_.chunk_size(); }

 private:
  Status feed_handshake(std::span<const uint8_t> bytes, std::vector<uint8_t>& leftover);
  Status on_message(RtmpMessage message, std::vector<RtmpMessage>& messages);
  void acknowledge_if_due();

  Side side_;
  ChannelOptions options_;
  std::optional<ServerHandshake> server_handshake_;
  std::optional<ClientHandshake> client_handshake_;
  bool handshake_done_ = false;
  ChunkDecoder decoder_;
  ChunkEncoder encoder_;
  ChunkWriteBatch output_;
  std::vector<RtmpMessage> decoded_;  // reused by every feed
  uint32_t peer_window_ = 0;          // the peer's Window Acknowledgement Size; 0 = none
  uint64_t acknowledged_ = 0;
};

}  // namespace mmids::rtmp
