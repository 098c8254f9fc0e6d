#include "steps/rtmp_watch/stream_outlets.hpp"

#include <algorithm>

namespace mmids::steps {
namespace {

using Viewers = std::vector<std::shared_ptr<endpoint::ViewerSink>>;

// Runs `work` for a thread group: at once on the main thread's, else posted to its thread.
template <typename Group, typename Work>
void run_in(const Group& group, Work&& work) {
  if (group.local) {
    work();
  } else {
    asio::post(group.home, std::forward<Work>(work));
  }
}

// A copy to walk when what is called may add or remove viewers (ending or closing them).
Viewers snapshot(const Viewers& viewers) { return viewers; }

Viewers::iterator find_viewer(Viewers& viewers, uint64_t connection_id) {
  return std::find_if(viewers.begin(), viewers.end(),
                      [connection_id](const auto& viewer) { return viewer->connection_id() == connection_id; });
}

}  // namespace

StreamOutlets::StreamOutlets(asio::io_context& io, Options options, log::Fields fields)
    : io_(io), options_(std::move(options)), fields_(std::move(fields)) {}

const std::shared_ptr<StreamOutlets::Outlet>& StreamOutlets::outlet(const std::string& key) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) it = outlets_.emplace(key, std::make_shared<Outlet>(io_, options_)).first;
  return it->second;
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

StreamOutlets::ThreadGroup& StreamOutlets::group_of(Outlet& target, const asio::any_io_executor& home) {
  const asio::any_io_executor main = io_.get_executor();
  const asio::any_io_executor where = home ? home : main;
  for (auto& group : target.groups)
    if (group.home == where) return group;
  auto& group = target.groups.emplace_back();
  group.home = where;
  group.local = where == main;
  return group;
}

void StreamOutlets::fan_out(Outlet& target, const media::MediaNotification& notification) {
  for (const auto& group : target.groups) {
    run_in(group, [members = group.members, notification] {
      for (const auto& viewer : *members) viewer->send(notification);
    });
  }
}

void StreamOutlets::drop_viewer(Outlet& target, Viewers::iterator viewer) {
  auto& group = group_of(target, (*viewer)->home());
  run_in(group, [members = group.members, id = (*viewer)->connection_id()] {
    members->erase(std::remove_if(members->begin(), members->end(),
                                  [id](const auto& member) { return member->connection_id() == id; }),
                   members->end());
  });
  if (--group.count == 0) {
    target.groups.erase(std::find_if(target.groups.begin(), target.groups.end(),
                                     [&group](const auto& candidate) { return &candidate == &group; }));
  }
  target.viewers.erase(viewer);
}

void StreamOutlets::deliver(const media::MediaNotification& notification) {
  const media::StreamId id = media::stream_id_of(notification);
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    const std::string key = options_.exact_key.value_or(started->name);
    const std::shared_ptr<Outlet> target = outlet(key);
    // The newest stream takes the key over (a publisher that came back, a restarted pull).
    if (target->stream_id != 0 && target->stream_id != id) feeds_.erase(target->stream_id);
    feeds_[id] = Feed{key, target};
    target->stream_id = id;
    target->cache.clear();
    target->grace.cancel();
    fan_out(*target, notification);
    if (started_) started_(key);
    return;
  }
  // Every packet: one lookup by stream id, no key compared or copied.
  auto feed = feeds_.find(id);
  if (feed == feeds_.end() || feed->second.outlet->stream_id != id) return;
  Outlet& target = *feed->second.outlet;
  if (std::holds_alternative<media::StreamDisconnected>(notification)) {
    const std::shared_ptr<Outlet> ended = std::move(feed->second.outlet);
    const std::string key = std::move(feed->second.key);
    feeds_.erase(feed);
    ended->stream_id = 0;
    ended->cache.clear();
    fan_out(*ended, notification);
    if (!ended->viewers.empty()) start_grace(key, ended);
    forget_if_idle(key);
    return;
  }
  target.cache.add(notification);
  fan_out(target, notification);
}

void StreamOutlets::add_viewer(const std::shared_ptr<endpoint::ViewerSink>& viewer, const std::string& key) {
  Outlet& target = *outlet(key);
  if (auto it = find_viewer(target.viewers, viewer->connection_id()); it != target.viewers.end()) {
    drop_viewer(target, it);
  }
  target.viewers.push_back(viewer);
  auto& group = group_of(target, viewer->home());
  ++group.count;
  // What it starts with (nothing while the stream has not started): the stream, then the
  // cache (instant start), handed over with the viewer so nothing comes between.
  std::vector<media::MediaNotification> start;
  if (target.stream_id != 0) {
    start.emplace_back(media::NewStream{target.stream_id, key});
    target.cache.replay([&start](const media::MediaNotification& cached) { start.push_back(cached); });
  }
  run_in(group, [members = group.members, viewer, start = std::move(start)] {
    members->push_back(viewer);
    for (const auto& notification : start) viewer->send(notification);
  });
}

void StreamOutlets::remove_viewer(uint64_t connection_id, const std::string& key) {
  auto it = outlets_.find(key);
  if (it == outlets_.end()) return;
  auto& viewers = it->second->viewers;
  if (auto viewer = find_viewer(viewers, connection_id); viewer != viewers.end()) drop_viewer(*it->second, viewer);
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
