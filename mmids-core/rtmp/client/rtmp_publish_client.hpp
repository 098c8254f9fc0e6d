#pragma once
// RtmpPublishClient: an RTMP(S) publisher (what mmids-bench's publishers are): the client
// dialogue in Publish mode over the same connection core as the pull client. The owner
// sends metadata and media once publishing has started; nothing is sent before.
// Deadlines: everything up to NetStream.Publish.Start within connect_timeout; then a write
// blocked longer than write_timeout fails it (a server that stopped reading).
#include "mmids-core/logging/log.hpp"
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/client/rtmp_client.hpp"
#include "mmids-core/rtmp/session/client_dialogue.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mmids::rtmp {

struct PublishClientOptions {
  std::string bind_address;                         // local IP the connection comes from; empty = any
  std::chrono::milliseconds connect_timeout{5000};  // until Publish.Start: TCP, TLS, handshake, commands
  std::chrono::milliseconds write_timeout{10000};
  std::shared_ptr<asio::ssl::context> tls;          // for rtmps; null = system CAs, peer verified
  uint32_t chunk_size = 4096;                       // announced once connected, as encoders do
  log::Fields fields;
};

class RtmpPublishClient final : public RtmpClient {
 public:
  struct Handlers {
    std::function<void()> on_publishing;                       // the server answered NetStream.Publish.Start
    std::function<void(const std::string& reason)> on_closed;  // once; never after stop()
  };

  static std::shared_ptr<RtmpPublishClient> create(asio::io_context& io, RtmpUrl url, PublishClientOptions options,
                                                   Handlers handlers);
  RtmpPublishClient(asio::io_context& io, RtmpUrl url, PublishClientOptions options, Handlers handlers);
  ~RtmpPublishClient() override;

  // Queue and write; ignored until publishing (and after closing).
  void send_metadata(const media::SharedBuffer& amf0);
  void send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload);

  [[nodiscard]] bool publishing() const { return dialogue_.started() && !closed(); }
  // Bytes queued behind the write in flight: what the server has not taken yet.
  [[nodiscard]] size_t backlog_bytes() const { return dialogue_.output_bytes(); }

 private:
  void on_connected() override;
  Status on_bytes(std::span<const uint8_t> bytes) override;
  void collect_output(ChunkWriteBatch& batch) override;
  void on_closed(const std::string& reason) override;

  PublishClientOptions options_;
  Handlers handlers_;
  ClientDialogue dialogue_;
};

}  // namespace mmids::rtmp
