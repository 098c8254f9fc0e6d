#include "steps/rtmp_watch/stream_outlets.hpp"

#include <algorithm>

namespace mmids::steps {
namespace {

using Viewers = std::vector<std::shared_ptr<endpoint::ViewerSink>>;

// A copy to walk when what is called may add or remove viewers (ending or closing them).
Viewers snapshot(const Viewers& viewers) { return viewers; }

Viewers::iterator find_viewer(Viewers& viewers, uint64_t connection_id) {
  return std::find_if(viewers.begin(), viewers.end(),
                      [connection_id](const auto& viewer) { return viewer->connection_id() == connection_id; });
}

}  // namespace

StreamOutlets::StreamOutlets(asio::io_context& io, Options options, log::Fields fields)
    : io_(io), options_(std::move(options)), fields_(std::move(fields)) {}

StreamOutlets::Outlet& StreamOutlets::outlet(const std::string& key) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) it = outlets_.emplace(key, std::make_shared<Outlet>(io_, options_)).first;
  return *it->second;
}

void StreamOutlets::forget_if_idle(const std::string& key) {
  auto it = outlets_.find(key);
  if (it != outlets_.end() && it->second->stream_id == 0 && it->second->viewers.empty()) outlets_.erase(it);
}

void StreamOutlets::start_grace(const std::string& key, const std::shared_ptr<Outlet>& target) {
  target->grace.expires_after(options_.unpublish_grace);
  target->grace.async_wait([weak = std::weak_ptr<Outlet>(target), key, fields = fields_,
                            grace = options_.unpublish_grace](const boost::system::error_code& error) {
    auto outlet = weak.lock();
    if (error || !outlet || outlet->stream_id != 0) return;
    spdlog::info("{} no source for {} ms after the stream ended: telling its {} viewer(s)", fields.with("stream", key),
                 grace.count(), outlet->viewers.size());
    for (const auto& viewer : snapshot(outlet->viewers)) viewer->end(key + " ended");
  });
}

void StreamOutlets::deliver(const media::MediaNotification& notification) {
  const media::StreamId id = media::stream_id_of(notification);
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    const std::string key = options_.exact_key.value_or(started->name);
    key_of_stream_[id] = key;
    Outlet& target = outlet(key);
    // The newest stream takes the key over (a publisher that came back, a restarted pull).
    if (target.stream_id != 0 && target.stream_id != id) key_of_stream_.erase(target.stream_id);
    target.stream_id = id;
    target.cache.clear();
    target.grace.cancel();
    for (const auto& viewer : target.viewers) viewer->send(notification);
    if (started_) started_(key);
    return;
  }
  auto key_it = key_of_stream_.find(id);
  if (key_it == key_of_stream_.end()) return;
  const std::string key = key_it->second;
  auto outlet_it = outlets_.find(key);
  if (outlet_it == outlets_.end() || outlet_it->second->stream_id != id) return;
  const std::shared_ptr<Outlet> target = outlet_it->second;
  if (std::holds_alternative<media::StreamDisconnected>(notification)) {
    key_of_stream_.erase(key_it);
    target->stream_id = 0;
    target->cache.clear();
    for (const auto& viewer : target->viewers) viewer->send(notification);
    if (!target->viewers.empty()) start_grace(key, target);
    forget_if_idle(key);
    return;
  }
  target->cache.add(notification);
  for (const auto& viewer : target->viewers) viewer->send(notification);
}

void StreamOutlets::add_viewer(const std::shared_ptr<endpoint::ViewerSink>& viewer, const std::string& key) {
  Outlet& target = outlet(key);
  if (auto it = find_viewer(target.viewers, viewer->connection_id()); it != target.viewers.end()) *it = viewer;
  else target.viewers.push_back(viewer);
  if (target.stream_id == 0) return;  // the viewer waits for the stream to start
  viewer->send(media::NewStream{target.stream_id, key});
  target.cache.replay([&viewer](const media::MediaNotification& cached) { viewer->send(cached); });
}

void StreamOutlets::remove_viewer(uint64_t connection_id, const std::string& key) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) return;
  auto& viewers = it->second->viewers;
  if (auto viewer = find_viewer(viewers, connection_id); viewer != viewers.end()) viewers.erase(viewer);
  if (it->second->viewers.empty()) it->second->grace.cancel();
  forget_if_idle(key);
}

void StreamOutlets::close_all(std::string_view reason) {
  std::vector<std::shared_ptr<endpoint::ViewerSink>> viewers;
  for (const auto& [key, target] : outlets_)
    for (const auto& viewer : snapshot(target->viewers)) viewers.push_back(viewer);
  for (const auto& viewer : viewers) viewer->close(reason);
}

void StreamOutlets::end_viewers(const std::string& key, std::string_view description) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) return;
  for (const auto& viewer : snapshot(it->second->viewers)) viewer->end(description);
}

size_t StreamOutlets::viewer_count(const std::string& key) const {
  auto it = outlets_.find(key);
  return it == outlets_.end() ? 0 : it->second->viewers.size();
}

bool StreamOutlets::is_live(const std::string& key) const {
  auto it = outlets_.find(key);
  return it != outlets_.end() && it->second->stream_id != 0;
}

}  // namespace mmids::steps
