#pragma once
// RtmpPlayClient: the native RTMP(S) player a node pulls streams with (ffmpeg_pull of an
// rtmp:// location): the client half of the dialogue over the same connection core as the
// server's connections. Tags are handed on exactly as received.
// Deadlines: everything up to NetStream.Play.Start within connect_timeout (resolve,
// connect, TLS, handshake, commands); then silence longer than media_timeout fails it.
#include "mmids-core/logging/log.hpp"
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/client/rtmp_client.hpp"
#include "mmids-core/rtmp/session/client_dialogue.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mmids::rtmp {

struct PlayClientOptions {
  std::string bind_address;                          // local IP the connection comes from; empty = any
  std::chrono::milliseconds connect_timeout{5000};   // until Play.Start: TCP, TLS, handshake, commands
  std::chrono::milliseconds media_timeout{10000};    // silence while playing -> failure
  std::chrono::milliseconds write_timeout{10000};
  std::shared_ptr<asio::ssl::context> tls;           // for rtmps; null = system CAs, peer verified
  ChunkDecoderLimits limits;
  log::Fields fields;
};

class RtmpPlayClient final : public RtmpClient {
 public:
  struct Handlers {
    std::function<void()> on_playing;  // the server answered NetStream.Play.Start
    std::function<void(const media::SharedBuffer& amf0_metadata)> on_metadata;
    std::function<void(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& body)> on_media;
    std::function<void(const std::string& reason)> on_closed;  // once; never after stop()
  };

  static std::shared_ptr<RtmpPlayClient> create(asio::io_context& io, RtmpUrl url, PlayClientOptions options,
                                                Handlers handlers);
  RtmpPlayClient(asio::io_context& io, RtmpUrl url, PlayClientOptions options, Handlers handlers);
  ~RtmpPlayClient() override;


 private:
  void on_connected() override;
  Status on_bytes(std::span<const uint8_t> bytes) override;
  void collect_output(ChunkWriteBatch& batch) override;
  void on_closed(const std::string& reason) override;

  PlayClientOptions options_;
  Handlers handlers_;
  ClientDialogue dialogue_;
  std::chrono::steady_clock::time_point last_media_;
};

}  // namespace mmids::rtmp
