// lookup-server MemoryStore: TTL, latest publisher wins, playback nodes, with a fake clock.
#include "lookup-server/memory_store.hpp"

#include <catch2/catch.hpp>

using namespace mmids::lookup;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  MemoryStore::Clock clock() {
    return [this] { return now; };
  }
};

template <class T>
T value(const std::function<void(StoreCallback<T>)>& operation) {
  std::optional<StoreResult<T>> result;
  operation([&](StoreResult<T> r) { result = std::move(r); });
  REQUIRE(result);  // the memory store answers at once
  REQUIRE(result->ok());
  return std::move(*result).value();
}

PublishOutcome publish(MemoryStore& store, const std::string& stream, const std::string& address) {
  return value<PublishOutcome>([&](auto done) { store.publish(stream, address, done); });
}
std::optional<Publisher> watch(MemoryStore& store, const std::string& stream, const std::string& node) {
  return value<std::optional<Publisher>>([&](auto done) { store.watch(stream, node, done); });
}
std::vector<StreamEntry> list(MemoryStore& store) {
  return value<std::vector<StreamEntry>>([&](auto done) { store.list(done); });
}

}  // namespace

TEST_CASE("lookup: memory store entries expire after the publisher TTL unless refreshed", "[lookup]") {
  FakeClock time;
  MemoryStore store({10s, 5s}, time.clock());
  CHECK(publish(store, "cam1", "10.0.0.1") == PublishOutcome::created);
  time.now += 9s;
  auto found = watch(store, "cam1", "10.0.1.1");
  REQUIRE(found);
  CHECK(found->address == "10.0.0.1");
  CHECK(found->age == 9s);
  CHECK(found->expires_in == 1s);

  CHECK(publish(store, "cam1", "10.0.0.1") == PublishOutcome::refreshed);  // heartbeat
  time.now += 9s;
  found = watch(store, "cam1", "10.0.1.1");
  REQUIRE(found);
  CHECK(found->age == 18s);  // since it first published from there
  CHECK(found->refreshed_ago == 9s);

  time.now += 1s;  // 10 s without a refresh
  CHECK_FALSE(watch(store, "cam1", "10.0.1.1"));
  CHECK(list(store).empty());
  CHECK(value<std::size_t>([&](auto done) { store.count(done); }) == 0);
  CHECK(publish(store, "cam1", "10.0.0.1") == PublishOutcome::created);
}

TEST_CASE("lookup: memory store keeps the latest publisher of a stream", "[lookup]") {
  FakeClock time;
  MemoryStore store({60s, 30s}, time.clock());
  publish(store, "cam1", "10.0.0.1");
  time.now += 5s;
  CHECK(publish(store, "cam1", "10.0.0.2") == PublishOutcome::moved);
  auto found = watch(store, "cam1", "node");
  REQUIRE(found);
  CHECK(found->address == "10.0.0.2");
  CHECK(found->age == 0s);
  CHECK_FALSE(watch(store, "cam2", "node"));
}

TEST_CASE("lookup: memory store lists streams with the playback nodes that asked recently", "[lookup]") {
  FakeClock time;
  MemoryStore store({60s, 30s}, time.clock());
  publish(store, "b", "10.0.0.2");
  publish(store, "a", "10.0.0.1");
  watch(store, "a", "10.0.1.1");
  time.now += 20s;
  watch(store, "a", "10.0.1.2");
  watch(store, "missing", "10.0.1.3");
  auto streams = list(store);
  REQUIRE(streams.size() == 2);
  CHECK(streams[0].stream == "a");
  CHECK(streams[1].stream == "b");
  REQUIRE(streams[0].playback_nodes.size() == 2);
  CHECK(streams[0].playback_nodes[0].address == "10.0.1.1");
  CHECK(streams[0].playback_nodes[0].asked_ago == 20s);
  CHECK(streams[1].playback_nodes.empty());

  time.now += 15s;  // 10.0.1.1 asked 35 s ago: outside the 30 s window
  publish(store, "a", "10.0.0.1");
  streams = list(store);
  REQUIRE(streams[0].playback_nodes.size() == 1);
  CHECK(streams[0].playback_nodes[0].address == "10.0.1.2");
  CHECK(value<std::size_t>([&](auto done) { store.count(done); }) == 2);
}

TEST_CASE("lookup: memory store sweeps expired entries so memory stays bounded", "[lookup]") {
  FakeClock time;
  MemoryStore store({10s, 5s}, time.clock());
  for (int i = 0; i < 100; ++i) publish(store, "s" + std::to_string(i), "10.0.0.1");
  CHECK(store.size() == 100);
  time.now += 11s;
  publish(store, "fresh", "10.0.0.1");
  CHECK(store.size() == 1);
  CHECK(value<bool>([&](auto done) { store.check(done); }));
  CHECK(store.describe() == "memory");
}
