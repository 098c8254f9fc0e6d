#pragma once
// Helpers for the dialogue tests: captured byte streams, a scripted peer that speaks raw
// RTMP (handshake plus hand-built messages), and reading what a dialogue sent.
#include "mmids-core/rtmp/protocol/chunk_decoder.hpp"
#include "mmids-core/rtmp/protocol/chunk_encoder.hpp"
#include "mmids-core/rtmp/protocol/handshake.hpp"
#include "mmids-core/rtmp/protocol/messages.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace mmids::rtmp::testing {

// A capture under tests/unit/rtmp/session/captures/, recorded with a TCP proxy between
// ffmpeg and a node (one direction each).
inline std::vector<uint8_t> capture(const std::string& name) {
  std::ifstream in(std::string(MMIDS_SOURCE_DIR) + "/tests/unit/rtmp/session/captures/" + name, std::ios::binary);
  REQUIRE(in);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline std::vector<uint8_t> bytes_of(const ChunkWriteBatch& batch) { return batch.to_bytes(); }

// Reads what a dialogue sent: the handshake reply first (S0+S1+S2 from a server, C0+C1 then
// C2 from a client), then chunks, decoded with the chunk sizes the sender announced.
class PeerReader {
 public:
  explicit PeerReader(size_t handshake_bytes) : handshake_left_(handshake_bytes) {}

  std::vector<RtmpMessage> read(std::span<const uint8_t> wire) {
    const size_t skip = std::min(handshake_left_, wire.size());
    handshake_.insert(handshake_.end(), wire.begin(), wire.begin() + static_cast<long>(skip));
    handshake_left_ -= skip;
    std::vector<RtmpMessage> out;
    auto status = decoder_.feed(wire.subspan(skip), out);
    INFO((status ? std::string() : status.error()));
    REQUIRE(status.ok());
    return out;
  }
  [[nodiscard]] const std::vector<uint8_t>& handshake() const { return handshake_; }

 private:
  size_t handshake_left_;
  std::vector<uint8_t> handshake_;
  ChunkDecoder decoder_;
};

// The commands among messages, parsed.
inline std::vector<Command> commands_in(const std::vector<RtmpMessage>& messages) {
  std::vector<Command> out;
  for (const auto& message : messages) {
    if (message.type_id != message_type::command_amf0) continue;
    auto command = parse_command(message);
    REQUIRE(command.ok());
    out.push_back(*command);
  }
  return out;
}

// The onStatus codes among messages, in order.
inline std::vector<std::string> status_codes_in(const std::vector<RtmpMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& command : commands_in(messages)) {
    if (command.name == command_name::on_status && !command.arguments.empty()) {
      out.emplace_back(command.arguments[0].get("code").string_or(""));
    }
  }
  return out;
}

inline std::optional<RtmpMessage> first_of_type(const std::vector<RtmpMessage>& messages, uint8_t type) {
  for (const auto& message : messages)
    if (message.type_id == type) return message;
  return std::nullopt;
}

// A client written by hand: completes the handshake with a server dialogue's bytes and
// then sends whatever messages a test builds, chunked with its own encoder.
class ScriptedClient {
 public:
  std::vector<uint8_t> hello() { return handshake_.start(); }
  // The server's S0+S1+S2 in, C2 out.
  std::vector<uint8_t> answer(std::span<const uint8_t> server_handshake) {
    auto reply = handshake_.feed(server_handshake);
    REQUIRE(reply.ok());
    return *reply;
  }
  std::vector<uint8_t> encode(const RtmpMessage& message) { return encoder_.encode(message).to_bytes(); }
  std::vector<uint8_t> connect(const std::string& app) {
    Amf0Value object = Amf0Value::object();
    object.set("app", Amf0Value::string(app));
    object.set("tcUrl", Amf0Value::string("rtmp://127.0.0.1/" + app));
    return encode(make_command(0, command_name::connect, 1, object));
  }

 private:
  ClientHandshake handshake_{/*use_digest=*/false};
  ChunkEncoder encoder_;
};

}  // namespace mmids::rtmp::testing
