#pragma once
// A publisher for in-process tests of the RTMP server: the client dialogue in Publish mode
// on the same connection core the server and the pull client use.
#include "mmids-core/rtmp/session/client_dialogue.hpp"
#include "mmids-core/rtmp/transport/rtmp_connection.hpp"

#include <functional>
#include <memory>
#include <string>

namespace mmids::rtmp::testing {

class TestPublisher final : public RtmpConnection {
 public:
  TestPublisher(asio::io_context& io, uint16_t port, std::string app, std::string key);
  static std::shared_ptr<TestPublisher> start(asio::io_context& io, uint16_t port, std::string app, std::string key);

  void send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload);
  void send_message(RtmpMessage message);

  bool started = false;
  std::string closed_reason;  // empty while open

 private:
  asio::awaitable<void> connect();
  Status on_bytes(std::span<const uint8_t> bytes) override;
  void collect_output(ChunkWriteBatch& batch) override { dialogue_.take_output(batch); }
  void on_closed(const std::string& reason) override { closed_reason = reason; }

  asio::io_context& io_;
  uint16_t port_;
  ClientDialogue dialogue_;
};

}  // namespace mmids::rtmp::testing
