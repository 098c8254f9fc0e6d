#pragma once
// StreamOutlets: the fan-out side of rtmp_watch. Per watch key: the stream currently
// feeding it, its GOP cache and its viewers (of any protocol). One shared payload per packet
// reaches every viewer's queue; a joining viewer first gets the cache (instant start).
// When a key's stream ends and no new one arrives within `unpublish_grace`, its viewers are
// told the stream ended and closed; a stream that comes back inside the grace keeps them.
// It runs on the main thread. Viewers living on other io threads (ViewerSink::home) are
// grouped by thread: a packet is handed to each thread once, and that thread walks its
// group's viewers, so no viewer is touched off its thread and no packet is handed over
// per viewer.
#include "mmids-core/endpoint/registrations.hpp"
#include "mmids-core/media/gop_cache.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mmids::steps {

class StreamOutlets {
 public:
  struct Options {
    std::optional<std::string> exact_key;  // every stream is watched under that key (stream_key=KEY)
    media::GopCache::Limits gop_limits;
    bool keep_gop = true;
    std::chrono::milliseconds unpublish_grace{10000};
  };
  StreamOutlets(asio::io_context& io, Options options, log::Fields fields);

  // A notification flowing through the step, fanned out to the viewers of its key.
  void deliver(const media::MediaNotification& notification);

  void add_viewer(const std::shared_ptr<endpoint::ViewerSink>& viewer, const std::string& key);
  void remove_viewer(uint64_t connection_id, const std::string& key);
  void close_all(std::string_view reason);
  // Tells the key's viewers its stream ended for good (and so closes them).
  void end_viewers(const std::string& key, std::string_view description);
  // Called with a key whenever a stream starts feeding it.
  void on_stream_started(std::function<void(const std::string& key)> listener) { started_ = std::move(listener); }

  [[nodiscard]] size_t viewer_count(const std::string& key) const;
  [[nodiscard]] bool is_live(const std::string& key) const;

 private:
  using Viewers = std::vector<std::shared_ptr<endpoint::ViewerSink>>;
  // A key's viewers on one io thread. `members` is that thread's: the main thread changes
  // it, and hands it each packet, only by posting there, so everything reaches the thread in
  // order. A vector: every packet walks all of them, and contiguous is what that walk wants.
  // The walk relies on ViewerSink::send never adding or removing a viewer (sinks post their
  // closing).
  struct ThreadGroup {
    asio::any_io_executor home;  // the thread's executor
    bool local = false;          // the main thread: its walk runs at once, nothing is posted
    std::shared_ptr<Viewers> members = std::make_shared<Viewers>();
    size_t count = 0;  // members, as the main thread counts them
  };
  struct Outlet {
    explicit Outlet(asio::io_context& io, const Options& options)
        : cache(options.gop_limits, options.keep_gop), grace(io) {}
    media::StreamId stream_id = 0;  // 0: no stream feeds the key now
    media::GopCache cache;
    Viewers viewers;                   // all of them, the main thread's list (counts, end, close)
    std::vector<ThreadGroup> groups;   // the same viewers by io thread
    asio::steady_timer grace;  // runs while no stream feeds a key that has viewers
  };
  // The key's outlet, made if it has none.
  const std::shared_ptr<Outlet>& outlet(const std::string& key);
  ThreadGroup& group_of(Outlet& target, const asio::any_io_executor& home);
  // Hands a notification to every viewer of the key, once per thread.
  void fan_out(Outlet& target, const media::MediaNotification& notification);
  void drop_viewer(Outlet& target, Viewers::iterator viewer);
  void forget_if_idle(const std::string& key);
  void start_grace(const std::string& key, const std::shared_ptr<Outlet>& target);

  asio::io_context& io_;
  Options options_;
  log::Fields fields_;
  std::function<void(const std::string&)> started_;
  // Shared: a grace timer's handler holds its outlet weakly.
  std::map<std::string, std::shared_ptr<Outlet>> outlets_;
  // The key and outlet each live stream feeds: what every packet looks up.
  struct Feed {
    std::string key;
    std::shared_ptr<Outlet> outlet;
  };
  std::unordered_map<media::StreamId, Feed> feeds_;
};

}  // namespace mmids::steps
