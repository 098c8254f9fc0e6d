#include "lookup-server/memory_store.hpp"

#include <algorithm>

namespace mmids::lookup {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

MemoryStore::MemoryStore(StoreTimes times, Clock clock) : times_(times), clock_(std::move(clock)) {}

bool MemoryStore::expired(const Entry& entry, TimePoint now) const {
  return now - entry.refreshed >= times_.publisher_ttl;
}

Publisher MemoryStore::publisher_of(const Entry& entry, TimePoint now) const {
  Publisher publisher;
  publisher.address = entry.address;
  publisher.age = duration_cast<milliseconds>(now - entry.since);
  publisher.refreshed_ago = duration_cast<milliseconds>(now - entry.refreshed);
  publisher.expires_in = duration_cast<milliseconds>(entry.refreshed + times_.publisher_ttl - now);
  return publisher;
}

void MemoryStore::sweep(TimePoint now) {
  if (now - last_sweep_ < std::chrono::seconds(1)) return;
  last_sweep_ = now;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (expired(it->second, now)) {
      it = entries_.erase(it);
      continue;
    }
    std::erase_if(it->second.watchers, [&](const auto& watcher) {
      return now - watcher.second > times_.watcher_window;
    });
    ++it;
  }
}

void MemoryStore::publish(const std::string& stream, const std::string& address,
                          StoreCallback<PublishOutcome> done) {
  auto now = clock_();
  sweep(now);
  auto [it, inserted] = entries_.try_emplace(stream);
  auto& entry = it->second;
  PublishOutcome outcome = PublishOutcome::refreshed;
  if (inserted || expired(entry, now)) {
    outcome = PublishOutcome::created;
    entry = Entry{address, now, now, {}};
  } else if (entry.address != address) {
    outcome = PublishOutcome::moved;
    entry.address = address;
    entry.since = now;
  }
  entry.refreshed = now;
  done(outcome);
}

void MemoryStore::watch(const std::string& stream, const std::string& node,
                        StoreCallback<std::optional<Publisher>> done) {
  auto now = clock_();
  sweep(now);
  auto it = entries_.find(stream);
  if (it == entries_.end() || expired(it->second, now)) {
    done(std::optional<Publisher>());
    return;
  }
  it->second.watchers[node] = now;
  done(std::optional<Publisher>(publisher_of(it->second, now)));
}

void MemoryStore::unpublish(const std::string& stream, const std::string& address,
                            StoreCallback<UnpublishOutcome> done) {
  auto now = clock_();
  auto it = entries_.find(stream);
  if (it == entries_.end() || expired(it->second, now)) return done(UnpublishOutcome::unknown);
  if (it->second.address != address) return done(UnpublishOutcome::other_owner);
  entries_.erase(it);
  done(UnpublishOutcome::removed);
}

void MemoryStore::unwatch(const std::string& stream, const std::string& node, StoreCallback<bool> done) {
  auto it = entries_.find(stream);
  done(it != entries_.end() && it->second.watchers.erase(node) > 0);
}

void MemoryStore::list(StoreCallback<std::vector<StreamEntry>> done) {
  auto now = clock_();
  std::vector<StreamEntry> streams;
  for (const auto& [name, entry] : entries_) {
    if (expired(entry, now)) continue;
    StreamEntry item{name, publisher_of(entry, now), {}};
    for (const auto& [node, asked] : entry.watchers) {
      if (now - asked <= times_.watcher_window) {
        item.playback_nodes.push_back({node, duration_cast<milliseconds>(now - asked)});
      }
    }
    streams.push_back(std::move(item));
  }
  std::sort(streams.begin(), streams.end(),
            [](const StreamEntry& a, const StreamEntry& b) { return a.stream < b.stream; });
  done(std::move(streams));
}

void MemoryStore::count(StoreCallback<std::size_t> done) {
  auto now = clock_();
  std::size_t live = static_cast<std::size_t>(std::count_if(
      entries_.begin(), entries_.end(), [&](const auto& item) { return !expired(item.second, now); }));
  done(live);
}

void MemoryStore::check(StoreCallback<bool> done) { done(true); }

}  // namespace mmids::lookup
