// Writes the seeds of the RTMP dialogue fuzz targets from the project's own client and
// server talking to each other (dialogue_support.hpp), in the targets' input formats:
//   build/tests/fuzz-seeds DIR    -> DIR/fuzz_rtmp_server_dialogue/*, DIR/fuzz_rtmp_client_dialogue/*
// Run it again when the dialogues change what they say; the files are committed.
#include "../dialogue_support.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace mmids;
using namespace mmids::rtmp;
using fuzz::Bytes;

namespace {

constexpr uint8_t kPiece4096 = 5;   // piece_size() index
constexpr uint8_t kPiece128 = 2;

void write(const std::filesystem::path& path, std::initializer_list<uint8_t> header, const Bytes& body) {
  std::filesystem::create_directories(path.parent_path());
  Bytes all(header);
  all.insert(all.end(), body.begin(), body.end());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(all.data()), static_cast<long>(all.size()));
  std::printf("%s: %zu bytes\n", path.c_str(), all.size());
}

Bytes joined(const fuzz::Batches& batches, size_t from = 0, Bytes start = {}) {
  for (size_t i = from; i < batches.size(); ++i) start.insert(start.end(), batches[i].begin(), batches[i].end());
  return start;
}

// A player that stops, asks again and pings: fresh (fmt 0) chunks read the same after any prefix.
Bytes player_second_thoughts() {
  ChunkEncoder encoder;
  ChunkWriteBatch batch;
  encoder.encode(make_command(1, command_name::delete_stream, 0, Amf0Value::null(), std::vector{Amf0Value::number(1)}), batch);
  encoder.encode(make_command(0, command_name::create_stream, 5, Amf0Value::null()), batch);
  encoder.encode(make_command(2, command_name::play, 0, Amf0Value::null(), std::vector{Amf0Value::string("other?t=1")}, 8), batch);
  encoder.encode(make_ping_request(1234), batch);
  encoder.encode(make_window_ack_size(1), batch);
  return fuzz::take_bytes(batch);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out(argv[1]);
  const auto publish = fuzz::converse(ClientDialogueOptions::Mode::Publish);
  const auto play = fuzz::converse(ClientDialogueOptions::Mode::Play);
  const auto server = out / "fuzz_rtmp_server_dialogue";
  const auto client = out / "fuzz_rtmp_client_dialogue";

  // Server target: [control][decisions: all yes][client bytes].
  write(server / "publish_whole.bin", {kPiece4096, 0xFF, 0xFF}, joined(publish.client, 0, fuzz::plain_handshake(2)));
  write(server / "play_whole.bin", {kPiece4096, 0xFF, 0xFF}, joined(play.client, 0, fuzz::plain_handshake(2)));
  write(server / "publish_media.bin", {kPiece128 | 3 << 3, 0xFF, 0xFF}, joined(publish.client, 3));
  write(server / "play_again.bin", {kPiece128 | 3 << 3 | 0x20, 0xFF, 0xFF}, player_second_thoughts());
  write(server / "refused.bin", {kPiece4096 | 1 << 3, 0x00, 0x00}, joined(publish.client, 1));

  // Client target: [control][actions: all yes][server bytes].
  write(client / "play_whole.bin", {kPiece4096, 0xFF}, joined(play.server, 0, fuzz::plain_handshake(2)));
  write(client / "publish_whole.bin", {kPiece4096 | 0x08, 0xFF}, joined(publish.server, 0, fuzz::plain_handshake(2)));
  write(client / "play_media.bin", {kPiece128 | 3 << 4, 0xFF}, joined(play.server, 2));
  write(client / "publish_started.bin", {kPiece128 | 0x08 | 3 << 4, 0xFF}, joined(publish.server, 2));
  return 0;
}
