#pragma once
// Player: one `mmids-bench play` connection, the project's pull client (RtmpPlayClient on
// the client dialogue and connection core) with its handlers feeding a PlayerRecord. Per
// packet: one clock read, the record's arithmetic and two counter stores; no allocation
// beyond the payload buffer the chunk decoder makes anyway, no logging.
//
// Lifetime: owned by its shard's list and destroyed only after the shard's thread has
// stopped; the client's handlers hold `this`, which is safe because the client calls no
// handler after stop() and stop() runs before the shard ends.
#include "mmids-core/rtmp/client/rtmp_play_client.hpp"
#include "tools/bench/load/live_counter.hpp"
#include "tools/bench/measure/player_record.hpp"

#include <memory>

namespace mmids::bench {

// What the players of one shard share; its thread only, but for the counters.
struct PlayShard {
  const MeasureWindow* window = nullptr;
  Histogram latency_ns;
  LiveCounter started;
  LiveCounter playing;
  LiveCounter failed;
  LiveCounter keyframes;  // players that have had their first keyframe
  LiveCounter media_bytes;
};

class Player {
 public:
  Player(asio::io_context& io, rtmp::RtmpUrl url, rtmp::PlayClientOptions options, PlayerRecord& record,
         PlayShard& shard);
  void start();
  // The run ends: the record is closed with the player still connected (if it is).
  void stop();

 private:
  void on_playing();
  void on_media(media::MediaKind kind, const media::SharedBuffer& body);
  void on_closed(const std::string& reason);

  PlayerRecord& record_;
  PlayShard& shard_;
  std::shared_ptr<rtmp::RtmpPlayClient> client_;
  bool ended_ = false;
};

}  // namespace mmids::bench
