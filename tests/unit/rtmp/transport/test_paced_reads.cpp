// Paced reads (RtmpTransport::pace_reads): a paced connection is read on a clock tick, all
// that arrived in between in one read, instead of once per segment as it arrives. Counted
// in reads, never in time; a close or a read timeout still ends a paced read.
#include "mmids-core/rtmp/transport/rtmp_transport.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <optional>

using namespace mmids;
using namespace mmids::rtmp;
using namespace std::chrono_literals;

namespace {

struct Pair {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  asio::ip::tcp::socket sender{io};
  std::shared_ptr<RtmpTransport> transport;
  Pair() {
    sender.connect(acceptor.local_endpoint());
    sender.set_option(asio::ip::tcp::no_delay(true));  // every send its own segment
    transport = std::make_shared<RtmpTransport>(acceptor.accept());
  }
};

// Reads until `count` bytes or an error; counts the reads that returned bytes.
struct Reader {
  std::vector<uint8_t> received;
  int reads = 0;
  std::optional<std::string> error;
  bool done = false;

  void start(asio::io_context& io, std::shared_ptr<RtmpTransport> transport, size_t count) {
    asio::co_spawn(
        io,
        [this, transport, count]() -> asio::awaitable<void> {
          std::array<uint8_t, 4096> buffer{};
          while (received.size() < count) {
            auto read = co_await transport->read_some(asio::buffer(buffer));
            if (!read.ok()) {
              error = read.error();
              break;
            }
            ++reads;
            received.insert(received.end(), buffer.begin(), buffer.begin() + *read);
          }
          done = true;
        },
        asio::detached);
  }
};

// Sends `bytes` one byte per send, running the loop `gap` between sends.
void send_spread(Pair& pair, const std::vector<uint8_t>& bytes, std::chrono::milliseconds gap) {
  for (uint8_t byte : bytes) {
    asio::write(pair.sender, asio::buffer(&byte, 1));
    pair.io.run_for(gap);
  }
}

void run_until(Pair& pair, const bool& done) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!done && std::chrono::steady_clock::now() < give_up) pair.io.run_for(10ms);
}

std::vector<uint8_t> numbered(size_t count) {
  std::vector<uint8_t> bytes(count);
  for (size_t i = 0; i < count; ++i) bytes[i] = static_cast<uint8_t>(i + 1);
  return bytes;
}

}  // namespace

TEST_CASE("paced reads: what arrives between two ticks is read at once, in order", "[rtmp][transport]") {
  Pair pair;
  pair.transport->pace_reads(500ms);
  Reader reader;
  reader.start(pair.io, pair.transport, 10);
  // Ten segments over about 50 ms: they cross at most one tick of 500 ms.
  send_spread(pair, numbered(10), 5ms);
  run_until(pair, reader.done);
  CHECK_FALSE(reader.error);
  CHECK(reader.received == numbered(10));
  CHECK(reader.reads <= 2);
}

TEST_CASE("paced reads: without pacing each segment is read as it arrives", "[rtmp][transport]") {
  Pair pair;
  Reader reader;
  reader.start(pair.io, pair.transport, 10);
  send_spread(pair, numbered(10), 5ms);
  run_until(pair, reader.done);
  CHECK(reader.received == numbered(10));
  CHECK(reader.reads > 2);  // the contrast that makes the paced count above mean something
}

TEST_CASE("paced reads: a close during the wait for the tick ends the read", "[rtmp][transport]") {
  Pair pair;
  pair.transport->pace_reads(1000ms);
  Reader reader;
  reader.start(pair.io, pair.transport, 1);
  pair.io.run_for(5ms);
  pair.transport->close();
  run_until(pair, reader.done);
  REQUIRE(reader.error);
  CHECK(*reader.error == "connection closed");
}

TEST_CASE("paced reads: the peer's end and the read timeout still end a paced read", "[rtmp][transport]") {
  SECTION("the peer closes") {
    Pair pair;
    pair.transport->pace_reads(20ms);
    Reader reader;
    reader.start(pair.io, pair.transport, 1);
    pair.sender.close();
    run_until(pair, reader.done);
    REQUIRE(reader.error);
    CHECK(*reader.error == "connection closed by peer");
  }
  SECTION("nothing arrives within the read timeout") {
    Pair pair;
    pair.transport->pace_reads(20ms);
    pair.transport->set_read_timeout(100ms);
    Reader reader;
    reader.start(pair.io, pair.transport, 1);
    run_until(pair, reader.done);
    REQUIRE(reader.error);
    CHECK(*reader.error == "no data for 100 ms");
  }
}
