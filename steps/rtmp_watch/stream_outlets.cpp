#include "steps/rtmp_watch/stream_outlets.hpp"

namespace mmids::steps {

StreamOutlets::StreamOutlets(std::optional<std::string> exact_key, media::GopCache::Limits limits, bool keep_gop)
    : exact_key_(std::move(exact_key)), limits_(limits), keep_gop_(keep_gop) {}

StreamOutlets::Outlet& StreamOutlets::outlet(const std::string& key) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) it = outlets_.emplace(key, Outlet{0, media::GopCache(limits_, keep_gop_), {}}).first;
  return it->second;
}

void StreamOutlets::forget_if_idle(const std::string& key) {
  auto it = outlets_.find(key);
  if (it != outlets_.end() && it->second.stream_id == 0 && it->second.viewers.empty()) outlets_.erase(it);
}

void StreamOutlets::deliver(const media::MediaNotification& notification) {
  const media::StreamId id = media::stream_id_of(notification);
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    const std::string key = exact_key_.value_or(started->name);
    key_of_stream_[id] = key;
    Outlet& target = outlet(key);
    // The newest stream takes the key over (a publisher that came back, a restarted pull).
    if (target.stream_id != 0 && target.stream_id != id) key_of_stream_.erase(target.stream_id);
    target.stream_id = id;
    target.cache.clear();
    for (const auto& [connection, viewer] : target.viewers) viewer->send(notification);
    return;
  }
  auto key_it = key_of_stream_.find(id);
  if (key_it == key_of_stream_.end()) return;
  const std::string key = key_it->second;
  Outlet& target = outlet(key);
  if (target.stream_id != id) return;
  if (std::holds_alternative<media::StreamDisconnected>(notification)) {
    key_of_stream_.erase(key_it);
    target.stream_id = 0;
    target.cache.clear();
    for (const auto& [connection, viewer] : target.viewers) viewer->send(notification);
    forget_if_idle(key);
    return;
  }
  target.cache.add(notification);
  for (const auto& [connection, viewer] : target.viewers) viewer->send(notification);
}

void StreamOutlets::add_viewer(const std::shared_ptr<endpoint::ViewerSink>& viewer, const std::string& key) {
  Outlet& target = outlet(key);
  target.viewers[viewer->connection_id()] = viewer;
  if (target.stream_id == 0) return;  // the viewer waits for the stream to start
  viewer->send(media::NewStream{target.stream_id, key});
  target.cache.replay([&viewer](const media::MediaNotification& cached) { viewer->send(cached); });
}

void StreamOutlets::remove_viewer(uint64_t connection_id, const std::string& key) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) return;
  it->second.viewers.erase(connection_id);
  forget_if_idle(key);
}

void StreamOutlets::close_all(std::string_view reason) {
  std::vector<std::shared_ptr<endpoint::ViewerSink>> viewers;
  for (const auto& [key, target] : outlets_)
    for (const auto& [connection, viewer] : target.viewers) viewers.push_back(viewer);
  for (const auto& viewer : viewers) viewer->close(reason);
}

void StreamOutlets::close_viewers(const std::string& key, std::string_view reason) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) return;
  std::vector<std::shared_ptr<endpoint::ViewerSink>> viewers;
  for (const auto& [connection, viewer] : it->second.viewers) viewers.push_back(viewer);
  for (const auto& viewer : viewers) viewer->close(reason);
}

size_t StreamOutlets::viewer_count(const std::string& key) const {
  auto it = outlets_.find(key);
  return it == outlets_.end() ? 0 : it->second.viewers.size();
}

bool StreamOutlets::is_live(const std::string& key) const {
  auto it = outlets_.find(key);
  return it != outlets_.end() && it->second.stream_id != 0;
}

}  // namespace mmids::steps
