#pragma once
// RtmpPlayClient: the native RTMP(S) player a node pulls streams with (ffmpeg_pull of an
// rtmp:// location). Same protocol code as the server; connect, createStream, play,
// acknowledgements, pings, chunk size changes; tags are handed on exactly as received.
#include "mmids-core/asio.hpp"
#include "mmids-core/logging/log.hpp"
#include "mmids-core/media/notification.hpp"
#include "mmids-core/rtmp/client/rtmp_url.hpp"
#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mmids::rtmp {

struct PlayClientOptions {
  std::string bind_address;                          // local IP the connection comes from; empty = any
  std::chrono::milliseconds connect_timeout{5000};   // until Play.Start: TCP, TLS, handshake, commands
  std::chrono::milliseconds media_timeout{10000};    // silence while playing -> failure
  std::shared_ptr<asio::ssl::context> tls;           // for rtmps; null = system CAs, peer verified
  ChunkDecoderLimits limits;
  log::Fields fields;
};

class RtmpPlayClient : public std::enable_shared_from_this<RtmpPlayClient> {
 public:
  struct Handlers {
    std::function<void()> on_playing;  // the server answered NetStream.Play.Start
    std::function<void(const media::SharedBuffer& amf0_metadata)> on_metadata;
    std::function<void(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& body)> on_media;
    std::function<void(const std::string& reason)> on_closed;  // once; never after stop()
  };

  static std::shared_ptr<RtmpPlayClient> create(asio::io_context& io, RtmpUrl url, PlayClientOptions options,
                                                Handlers handlers);
  ~RtmpPlayClient();

  void start();
  // Closes the connection; no handler is called afterwards.
  void stop();

  RtmpPlayClient(asio::io_context& io, RtmpUrl url, PlayClientOptions options, Handlers handlers);

 private:
  class Connection;
  asio::awaitable<void> run();
  void finish(const std::string& reason);

  asio::io_context& io_;
  RtmpUrl url_;
  PlayClientOptions options_;
  Handlers handlers_;
  std::shared_ptr<Connection> connection_;
  asio::steady_timer deadline_;
  bool playing_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_media_;
};

}  // namespace mmids::rtmp
