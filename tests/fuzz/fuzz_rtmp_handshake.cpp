// Fuzz target: server and client handshakes fed arbitrary bytes in pieces. They must
// fail with a reason or answer with exactly the sizes the protocol defines.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mmids-core/rtmp/protocol/handshake.hpp"

using namespace mmids::rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = size_t{data[0]} * 16 + 1;  // 1..4081 bytes per read
  const std::span<const uint8_t> wire(data + 1, size - 1);

  ServerHandshake server;
  size_t sent = 0;
  for (size_t offset = 0; offset < wire.size(); offset += piece) {
    auto out = server.feed(wire.subspan(offset, std::min(piece, wire.size() - offset)));
    if (!out) {
      if (out.error().empty() || !server.failed()) std::abort();
      break;
    }
    sent += out->size();
  }
  if (sent != 0 && sent != 1 + 2 * kHandshakePacketSize) std::abort();
  if (server.done()) {
    const auto leftover = server.take_leftover();
    if (leftover.size() + 1 + 2 * kHandshakePacketSize != wire.size()) std::abort();
  }

  ClientHandshake client((data[0] & 1) != 0);
  (void)client.start();
  size_t c2 = 0;
  for (size_t offset = 0; offset < wire.size(); offset += piece) {
    auto out = client.feed(wire.subspan(offset, std::min(piece, wire.size() - offset)));
    if (!out) break;
    c2 += out->size();
  }
  if (c2 != 0 && c2 != kHandshakePacketSize) std::abort();
  return 0;
}
