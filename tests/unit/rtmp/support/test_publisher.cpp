#include "tests/unit/rtmp/support/test_publisher.hpp"

#include "mmids-core/net/connect.hpp"

namespace mmids::rtmp::testing {
namespace {

ClientDialogueOptions publish_options(uint16_t port, std::string app, std::string key) {
  ClientDialogueOptions options;
  options.mode = ClientDialogueOptions::Mode::Publish;
  options.tc_url = "rtmp://127.0.0.1:" + std::to_string(port) + "/" + app;
  options.app = std::move(app);
  options.stream_key = std::move(key);
  return options;
}

}  // namespace

TestPublisher::TestPublisher(asio::io_context& io, uint16_t port, std::string app, std::string key)
    : io_(io), port_(port), dialogue_(publish_options(port, std::move(app), std::move(key))) {}

std::shared_ptr<TestPublisher> TestPublisher::start(asio::io_context& io, uint16_t port, std::string app,
                                                    std::string key) {
  auto publisher = std::make_shared<TestPublisher>(io, port, std::move(app), std::move(key));
  asio::co_spawn(io, [publisher] { return publisher->connect(); }, asio::detached);
  return publisher;
}

asio::awaitable<void> TestPublisher::connect() {
  auto self = shared_from_this();
  std::string host = "127.0.0.1";
  net::ConnectOptions options;
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto socket = co_await net::connect(host, port_, options);
  if (!socket.ok()) {
    close(socket.error());
    co_return;
  }
  dialogue_.begin();
  attach(std::make_shared<RtmpTransport>(std::move(socket).value()), false);
}

Status TestPublisher::on_bytes(std::span<const uint8_t> bytes) {
  return dialogue_.feed(bytes, [this](ClientEvent& event) {
    if (std::holds_alternative<client_event::Started>(event)) started = true;
  });
}

void TestPublisher::send_media(media::MediaKind kind, uint32_t timestamp, const media::SharedBuffer& payload) {
  dialogue_.send_media(kind, timestamp, payload);
  request_flush();
}

void TestPublisher::send_message(RtmpMessage message) {
  dialogue_.send_message(std::move(message));
  request_flush();
}

}  // namespace mmids::rtmp::testing
