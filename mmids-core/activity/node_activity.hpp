#pragma once
// activity: what the node is doing now, the one book every reader uses. Connections and
// stream sources enter themselves (ClientEntry, StreamEntry) and keep their own counters;
// the book takes snapshots for the API (GET /streams, /clients), the metrics (/metrics) and
// the node's reports to the lookup server, and kicks a client by id (DELETE /clients/ID).
// The book runs on the node's main thread and is not thread-safe; only an entry's
// counters (and first_keyframe_after) may be touched from its owner's io thread.
#include "mmids-core/activity/client_entry.hpp"
#include "mmids-core/activity/stream_entry.hpp"

#include <map>
#include <vector>

namespace mmids::activity {

struct ClientSnapshot {
  ClientInfo info;
  ClientCounters counters;
  double bitrate_in_bps = 0;
  double bitrate_out_bps = 0;
};

struct StreamSnapshot {
  StreamInfo info;
  std::string video_codec;  // "" when no video was seen
  std::string audio_codec;
  uint32_t width = 0, height = 0;
  double fps = 0;  // measured: video frames received per second
  double bitrate_in_bps = 0;
  double bitrate_out_bps = 0;  // the sum of its viewers'
  uint64_t bytes_in = 0;
  std::vector<ClientSnapshot> viewers;  // clients playing the stream's key
  size_t pulls = 0;                     // pulls bringing it in
};

// Since the node started: the counts of clients gone plus those of clients here.
struct ActivityTotals {
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t dropped_frames = 0;
  uint64_t slow_disconnects = 0;
  uint64_t pull_restarts = 0;
};

struct ActivitySnapshot {
  std::chrono::steady_clock::time_point taken;
  std::vector<ClientSnapshot> clients;  // by id
  std::vector<StreamSnapshot> streams;  // by name; one per name (the newest source)
  ActivityTotals totals;
};

class NodeActivity : public std::enable_shared_from_this<NodeActivity> {
 public:
  using Clock = std::chrono::steady_clock;

  // The entries' owners hold them; the book sees them until they end.
  std::shared_ptr<ClientEntry> add_client(ClientInfo info);
  std::shared_ptr<StreamEntry> add_stream(StreamInfo info);

  // Brings the rates up to date and copies what is there.
  [[nodiscard]] ActivitySnapshot snapshot(Clock::time_point now = Clock::now());
  // Closes one client through its owner. False: no such client (or it cannot be kicked).
  bool kick(uint64_t id, std::string_view reason);

  void pull_restarted() { ++totals_.pull_restarts; }
  // Told each viewer's wait for its first keyframe, in seconds (the metrics' histogram).
  void on_first_keyframe(std::function<void(double seconds)> listener) { first_keyframe_ = std::move(listener); }

  // The entries' own calls.
  void retire(uint64_t id, const ClientCounters& final_counters);
  void retire(const StreamEntry* stream);
  void first_keyframe(double seconds) const {
    if (first_keyframe_) first_keyframe_(seconds);
  }

 private:
  std::map<uint64_t, std::weak_ptr<ClientEntry>> clients_;
  std::map<const StreamEntry*, std::weak_ptr<StreamEntry>> streams_;
  ActivityTotals totals_;  // of the clients gone, and every pull restart
  std::function<void(double)> first_keyframe_;
};

// An entry in `book`, or, without one (a server built without a node: tests, tools), an
// entry no book reads: its owner's code is the same either way.
[[nodiscard]] std::shared_ptr<ClientEntry> track_client(const std::shared_ptr<NodeActivity>& book, ClientInfo info);
[[nodiscard]] std::shared_ptr<StreamEntry> track_stream(const std::shared_ptr<NodeActivity>& book, StreamInfo info);

}  // namespace mmids::activity
