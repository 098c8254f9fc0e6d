#include "mmids-core/activity/node_activity.hpp"

#include <algorithm>

namespace mmids::activity {

std::shared_ptr<ClientEntry> NodeActivity::add_client(ClientInfo info) {
  const uint64_t id = info.id;
  auto entry = std::make_shared<ClientEntry>(weak_from_this(), std::move(info));
  clients_[id] = entry;
  return entry;
}

std::shared_ptr<StreamEntry> NodeActivity::add_stream(StreamInfo info) {
  auto entry = std::make_shared<StreamEntry>(weak_from_this(), std::move(info));
  streams_[entry.get()] = entry;
  return entry;
}

void NodeActivity::retire(uint64_t id, const ClientCounters& final_counters) {
  if (clients_.erase(id) == 0) return;
  totals_.bytes_in += final_counters.bytes_in;
  totals_.bytes_out += final_counters.bytes_out;
  totals_.dropped_frames += final_counters.dropped_frames;
  if (final_counters.too_slow) ++totals_.slow_disconnects;
}

void NodeActivity::retire(const StreamEntry* stream) { streams_.erase(stream); }

bool NodeActivity::kick(uint64_t id, std::string_view reason) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return false;
  auto client = it->second.lock();
  return client && client->kick(reason);
}

namespace {

ClientSnapshot client_snapshot(ClientEntry& client, NodeActivity::Clock::time_point now) {
  const ClientCounters counters = client.counters.load();
  return ClientSnapshot{client.info(), counters, client.in_rate.update(counters.bytes_in, now) * 8,
                        client.out_rate.update(counters.bytes_out, now) * 8};
}

StreamSnapshot stream_snapshot(StreamEntry& stream, NodeActivity::Clock::time_point now) {
  StreamSnapshot out;
  out.info = stream.info();
  out.video_codec = stream.probe.video_codec();
  out.audio_codec = stream.probe.audio_codec();
  out.width = stream.probe.width();
  out.height = stream.probe.height();
  out.fps = stream.frame_rate.update(stream.probe.video_frames(), now);
  out.bitrate_in_bps = stream.bitrate.update(stream.probe.bytes(), now) * 8;
  out.bytes_in = stream.probe.bytes();
  return out;
}

}  // namespace

ActivitySnapshot NodeActivity::snapshot(Clock::time_point now) {
  ActivitySnapshot out;
  out.taken = now;
  out.totals = totals_;
  for (auto& [id, weak] : clients_) {
    auto client = weak.lock();
    if (!client) continue;
    out.clients.push_back(client_snapshot(*client, now));
    const ClientCounters& counters = out.clients.back().counters;
    out.totals.bytes_in += counters.bytes_in;
    out.totals.bytes_out += counters.bytes_out;
    out.totals.dropped_frames += counters.dropped_frames;
  }
  std::map<std::string, StreamSnapshot> by_name;
  for (auto& [key, weak] : streams_) {
    auto stream = weak.lock();
    if (!stream) continue;
    auto snapshot = stream_snapshot(*stream, now);
    auto [it, inserted] = by_name.try_emplace(snapshot.info.name, snapshot);
    // Two sources of one name for a moment (a publisher taking its key over): the newest is the stream.
    if (!inserted && snapshot.info.since > it->second.info.since) it->second = std::move(snapshot);
  }
  for (const auto& client : out.clients) {
    auto it = by_name.find(client.info.stream);
    if (it == by_name.end()) continue;
    if (client.info.role == ClientRole::viewer) {
      it->second.viewers.push_back(client);
      it->second.bitrate_out_bps += client.bitrate_out_bps;
    } else if (client.info.role == ClientRole::pull) {
      ++it->second.pulls;
    }
  }
  for (auto& [name, stream] : by_name) out.streams.push_back(std::move(stream));
  return out;
}

}  // namespace mmids::activity
