// Merged writes: what connections queue within one WriteBatcher interval leaves in one
// gathered write per connection; without a batcher the first request writes at once.
// Counted in writes, never in time.
#include "mmids-core/rtmp/transport/rtmp_connection.hpp"

#include <catch2/catch.hpp>

#include <array>

using namespace mmids;
using namespace mmids::rtmp;
using namespace std::chrono_literals;

namespace {

// A connection whose output is whatever the test queued, counting the writes it makes.
class CountingConnection final : public RtmpConnection {
 public:
  static std::shared_ptr<CountingConnection> start(asio::ip::tcp::socket socket, std::shared_ptr<WriteBatcher> batcher) {
    auto connection = std::shared_ptr<CountingConnection>(new CountingConnection());
    connection->set_write_batcher(std::move(batcher));
    connection->attach(std::make_shared<RtmpTransport>(std::move(socket)), false);
    return connection;
  }
  void queue_media(uint8_t byte) {
    pending_.push_back(byte);
    request_batched_flush();
  }
  int writes = 0;

 private:
  CountingConnection() = default;
  Status on_bytes(std::span<const uint8_t>) override { return {}; }
  void collect_output(ChunkWriteBatch& batch) override {
    if (pending_.empty()) return;
    batch.append_raw(pending_);
    pending_.clear();
    ++writes;
  }
  void on_closed(const std::string&) override {}
  std::vector<uint8_t> pending_;
};

struct Pair {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  asio::ip::tcp::socket reader{io};
  asio::ip::tcp::socket writer{io};
  Pair() {
    reader.connect(acceptor.local_endpoint());
    writer = acceptor.accept();
  }
  // Runs the loop until `count` bytes arrived at the reader; returns them.
  std::vector<uint8_t> receive(size_t count) {
    std::vector<uint8_t> received;
    std::array<uint8_t, 64> buffer{};
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (received.size() < count && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(5ms);
      boost::system::error_code error;
      while (reader.available(error) > 0) {
        const size_t read = reader.read_some(asio::buffer(buffer), error);
        received.insert(received.end(), buffer.begin(), buffer.begin() + read);
      }
    }
    return received;
  }
};

}  // namespace

TEST_CASE("merged writes: media queued within one interval leaves in one write, in order", "[rtmp][transport]") {
  Pair pair;
  auto batcher = std::make_shared<WriteBatcher>(pair.io.get_executor(), 20ms);
  auto connection = CountingConnection::start(std::move(pair.writer), batcher);
  pair.io.poll();  // the connection starts reading
  for (uint8_t i = 1; i <= 5; ++i) connection->queue_media(i);
  CHECK(batcher->scheduled() == 1);  // asked once for the batch, not once per message
  CHECK(pair.receive(5) == std::vector<uint8_t>{1, 2, 3, 4, 5});
  CHECK(connection->writes == 1);
  // The next batch is asked for afresh.
  connection->queue_media(6);
  connection->queue_media(7);
  CHECK(pair.receive(2) == std::vector<uint8_t>{6, 7});
  CHECK(connection->writes == 2);
  connection->close("done");
}

TEST_CASE("merged writes: without a batcher the first message is written at once", "[rtmp][transport]") {
  Pair pair;
  auto connection = CountingConnection::start(std::move(pair.writer), nullptr);
  pair.io.poll();
  for (uint8_t i = 1; i <= 5; ++i) connection->queue_media(i);
  CHECK(pair.receive(5) == std::vector<uint8_t>{1, 2, 3, 4, 5});
  // The first went out at once; the four queued behind the write in flight followed in one.
  CHECK(connection->writes == 2);
  connection->close("done");
}

TEST_CASE("merged writes: a connection closed before the tick is skipped", "[rtmp][transport]") {
  Pair pair;
  auto batcher = std::make_shared<WriteBatcher>(pair.io.get_executor(), 10ms);
  auto connection = CountingConnection::start(std::move(pair.writer), batcher);
  pair.io.poll();
  connection->queue_media(1);
  connection->close("gone");
  pair.io.run_for(50ms);
  CHECK(connection->writes == 0);
  CHECK(batcher->scheduled() == 0);
}
