#pragma once
// lookup-server: the Redis store. Entries live in Redis with native expiry, so several
// mmids-lookup processes answer alike and a restarted one loses nothing. hiredis is
// blocking, so every Redis round trip runs on one worker thread; results are posted back
// to the io thread, which never waits for Redis.
//
// Keys (PREFIX = redis_key_prefix, default "mmids-lookup:"):
//   PREFIX publisher:<stream>  hash address, since, refreshed (unix ms), ttl (s); EXPIRE ttl
//   PREFIX watchers:<stream>   hash node address -> last asked (unix ms); EXPIRE window
//   PREFIX streams             sorted set of stream names scored by expiry (unix ms)
#include "lookup-server/config.hpp"
#include "lookup-server/store.hpp"
#include "mmids-core/common/asio.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace mmids::lookup {

class RedisConnection;

class RedisStore : public Store {
 public:
  RedisStore(boost::asio::io_context& io, RedisEndpoint endpoint, std::string key_prefix,
             StoreTimes times, std::chrono::milliseconds timeout);
  ~RedisStore() override;  // finishes the running job, drops the queued ones (no callbacks)

  void publish(const std::string& stream, const std::string& address, StoreCallback<PublishOutcome> done) override;
  void watch(const std::string& stream, const std::string& node, StoreCallback<std::optional<Publisher>> done) override;
  void unpublish(const std::string& stream, const std::string& address, StoreCallback<UnpublishOutcome> done) override;
  void unwatch(const std::string& stream, const std::string& node, StoreCallback<bool> done) override;
  void list(StoreCallback<std::vector<StreamEntry>> done) override;
  void count(StoreCallback<std::size_t> done) override;
  void check(StoreCallback<bool> done) override;
  [[nodiscard]] std::string describe() const override { return endpoint_.describe(); }

  static constexpr std::size_t kMaxQueuedJobs = 10000;  // beyond: answer "busy" at once
  static constexpr std::size_t kMaxListedStreams = 10000;

 private:
  using Job = std::function<void(RedisConnection&)>;
  // Queues work for the worker; its result comes back on the io thread through done.
  template <class T>
  void submit(StoreCallback<T> done, std::function<T(RedisConnection&)> work);
  void worker();

  boost::asio::io_context& io_;
  RedisEndpoint endpoint_;
  std::string prefix_;
  StoreTimes times_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mmids::lookup
