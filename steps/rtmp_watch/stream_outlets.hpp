#pragma once
// StreamOutlets: the fan-out side of rtmp_watch. Per watch key: the stream currently
// feeding it, its GOP cache and its viewers. One shared payload per packet reaches
// every viewer's queue; a joining viewer first gets the cache (instant start).
#include "mmids-core/media/gop_cache.hpp"
#include "mmids-core/rtmp/server/rtmp_server.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace mmids::steps {

class StreamOutlets {
 public:
  // `exact_key`: every stream is watched under that key (rtmp_watch stream_key=KEY).
  StreamOutlets(std::optional<std::string> exact_key, media::GopCache::Limits limits, bool keep_gop);

  // A notification flowing through the step, fanned out to the viewers of its key.
  void deliver(const media::MediaNotification& notification);

  void add_viewer(const std::shared_ptr<endpoint::ViewerSink>& viewer, const std::string& key);
  void remove_viewer(uint64_t connection_id, const std::string& key);
  void close_all(std::string_view reason);
  void close_viewers(const std::string& key, std::string_view reason);

  [[nodiscard]] size_t viewer_count(const std::string& key) const;
  [[nodiscard]] bool is_live(const std::string& key) const;

 private:
  struct Outlet {
    media::StreamId stream_id = 0;  // 0: no stream feeds the key now
    media::GopCache cache;
    std::map<uint64_t, std::shared_ptr<endpoint::ViewerSink>> viewers;
  };
  Outlet& outlet(const std::string& key);
  void forget_if_idle(const std::string& key);

  std::optional<std::string> exact_key_;
  media::GopCache::Limits limits_;
  bool keep_gop_;
  std::map<std::string, Outlet> outlets_;
  std::map<media::StreamId, std::string> key_of_stream_;
};

}  // namespace mmids::steps
