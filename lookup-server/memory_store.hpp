#pragma once
// lookup-server: the in-memory store (the default): one process, lost on restart.
#include "lookup-server/store.hpp"

#include <map>
#include <unordered_map>

namespace mmids::lookup {

class MemoryStore : public Store {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit MemoryStore(StoreTimes times, Clock clock = &std::chrono::steady_clock::now);

  // Callbacks run before these return.
  void publish(const std::string& stream, const std::string& address, StoreCallback<PublishOutcome> done) override;
  void watch(const std::string& stream, const std::string& node, StoreCallback<std::optional<Publisher>> done) override;
  void unpublish(const std::string& stream, const std::string& address, StoreCallback<UnpublishOutcome> done) override;
  void unwatch(const std::string& stream, const std::string& node, StoreCallback<bool> done) override;
  void list(StoreCallback<std::vector<StreamEntry>> done) override;
  void count(StoreCallback<std::size_t> done) override;
  void check(StoreCallback<bool> done) override;
  [[nodiscard]] std::string describe() const override { return "memory"; }

  [[nodiscard]] std::size_t size() const { return entries_.size(); }  // including not yet swept

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    std::string address;
    TimePoint since;
    TimePoint refreshed;
    std::map<std::string, TimePoint> watchers;
  };
  [[nodiscard]] bool expired(const Entry& entry, TimePoint now) const;
  [[nodiscard]] Publisher publisher_of(const Entry& entry, TimePoint now) const;
  void sweep(TimePoint now);  // drops expired entries and old watchers, at most once a second

  StoreTimes times_;
  Clock clock_;
  std::unordered_map<std::string, Entry> entries_;
  TimePoint last_sweep_{};
};

}  // namespace mmids::lookup
