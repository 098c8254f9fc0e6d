#include "lookup-server/redis_store.hpp"

#include "lookup-server/redis_connection.hpp"

#include <algorithm>

namespace mmids::lookup {

namespace {

using std::chrono::milliseconds;

// Records the publisher, keeps "since" when the address did not change, returns the
// previous address (nil when there was none).
// KEYS: publisher hash, streams index. ARGV: stream, address, ttl seconds, now ms.
constexpr const char* kPublishScript = R"lua(
local old = redis.call('HGET', KEYS[1], 'address')
local since = ARGV[4]
if old == ARGV[2] then
  local kept = redis.call('HGET', KEYS[1], 'since')
  if kept then since = kept end
end
redis.call('HSET', KEYS[1], 'address', ARGV[2], 'since', since, 'refreshed', ARGV[4], 'ttl', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], tonumber(ARGV[4]) + 1000 * tonumber(ARGV[3]), ARGV[1])
return old
)lua";

// Returns {address, since, refreshed, ttl} of a live publisher and records the asking node,
// or nil. KEYS: publisher hash, watchers hash. ARGV: node, now ms, window seconds.
constexpr const char* kWatchScript = R"lua(
local p = redis.call('HMGET', KEYS[1], 'address', 'since', 'refreshed', 'ttl')
if not p[1] then return false end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return p
)lua";

// Removes a publisher entry only when it is recorded at the given address.
// KEYS: publisher hash, streams index, watchers hash. ARGV: stream, address.
// Returns 1 removed, 0 unknown, 2 recorded at another address.
constexpr const char* kUnpublishScript = R"lua(
local old = redis.call('HGET', KEYS[1], 'address')
if not old then return 0 end
if old ~= ARGV[2] then return 2 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
)lua";

int64_t unix_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t to_int(const redisReply* reply) {
  auto text = reply_text(reply);
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    throw RedisError("unexpected value in redis: '" + text + "' is not a number");
  }
}

// From HMGET address since refreshed ttl.
std::optional<Publisher> publisher_from(const redisReply* fields, int64_t now) {
  if (!fields || fields->type != REDIS_REPLY_ARRAY || fields->elements != 4) return std::nullopt;
  if (reply_is_nil(fields->element[0])) return std::nullopt;
  Publisher publisher;
  publisher.address = reply_text(fields->element[0]);
  int64_t since = to_int(fields->element[1]);
  int64_t refreshed = to_int(fields->element[2]);
  int64_t ttl = to_int(fields->element[3]);
  publisher.age = milliseconds(std::max<int64_t>(0, now - since));
  publisher.refreshed_ago = milliseconds(std::max<int64_t>(0, now - refreshed));
  publisher.expires_in = milliseconds(std::max<int64_t>(0, refreshed + ttl * 1000 - now));
  return publisher;
}

}  // namespace

RedisStore::RedisStore(boost::asio::io_context& io, RedisEndpoint endpoint, std::string key_prefix,
                       StoreTimes times, milliseconds timeout)
    : io_(io), endpoint_(std::move(endpoint)), prefix_(std::move(key_prefix)), times_(times),
      timeout_(timeout), thread_([this] { worker(); }) {}

RedisStore::~RedisStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

void RedisStore::worker() {
  RedisConnection connection(endpoint_, timeout_);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(connection);
  }
}

template <class T>
void RedisStore::submit(StoreCallback<T> done, std::function<T(RedisConnection&)> work) {
  std::unique_lock lock(mutex_);
  if (jobs_.size() >= kMaxQueuedJobs) {
    lock.unlock();
    StoreResult<T> busy = Error("redis is too slow: " + std::to_string(kMaxQueuedJobs) + " requests are waiting");
    boost::asio::post(io_, [done = std::move(done), busy = std::move(busy)]() mutable { done(std::move(busy)); });
    return;
  }
  auto* io = &io_;
  jobs_.push_back([io, done = std::move(done), work = std::move(work)](RedisConnection& connection) mutable {
    StoreResult<T> result = [&]() -> StoreResult<T> {
      try {
        return work(connection);
      } catch (const std::exception& e) {
        return Error(e.what());
      }
    }();
    // done moves into the io thread's handler: nothing of the request is destroyed here.
    boost::asio::post(*io, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  });
  lock.unlock();
  wake_.notify_one();
}

void RedisStore::publish(const std::string& stream, const std::string& address,
                         StoreCallback<PublishOutcome> done) {
  RedisCommand command{"EVAL", kPublishScript, "2", prefix_ + "publisher:" + stream, prefix_ + "streams",
                       stream, address, std::to_string(times_.publisher_ttl.count()),
                       std::to_string(unix_ms())};
  submit<PublishOutcome>(std::move(done), [command = std::move(command), address](RedisConnection& redis) {
    auto reply = redis.run(command);
    if (reply_is_nil(reply.get())) return PublishOutcome::created;
    return reply_text(reply.get()) == address ? PublishOutcome::refreshed : PublishOutcome::moved;
  });
}

void RedisStore::watch(const std::string& stream, const std::string& node,
                       StoreCallback<std::optional<Publisher>> done) {
  int64_t now = unix_ms();
  RedisCommand command{"EVAL", kWatchScript, "2", prefix_ + "publisher:" + stream, prefix_ + "watchers:" + stream,
                       node, std::to_string(now), std::to_string(times_.watcher_window.count())};
  submit<std::optional<Publisher>>(std::move(done), [command = std::move(command), now](RedisConnection& redis) {
    auto reply = redis.run(command);
    return publisher_from(reply.get(), now);
  });
}

void RedisStore::unpublish(const std::string& stream, const std::string& address,
                           StoreCallback<UnpublishOutcome> done) {
  RedisCommand command{"EVAL", kUnpublishScript, "3", prefix_ + "publisher:" + stream, prefix_ + "streams",
                       prefix_ + "watchers:" + stream, stream, address};
  submit<UnpublishOutcome>(std::move(done), [command = std::move(command)](RedisConnection& redis) {
    auto reply = redis.run(command);
    switch (to_int(reply.get())) {
      case 1: return UnpublishOutcome::removed;
      case 2: return UnpublishOutcome::other_owner;
      default: return UnpublishOutcome::unknown;
    }
  });
}

void RedisStore::unwatch(const std::string& stream, const std::string& node, StoreCallback<bool> done) {
  RedisCommand command{"HDEL", prefix_ + "watchers:" + stream, node};
  submit<bool>(std::move(done), [command = std::move(command)](RedisConnection& redis) {
    return to_int(redis.run(command).get()) > 0;
  });
}

void RedisStore::list(StoreCallback<std::vector<StreamEntry>> done) {
  submit<std::vector<StreamEntry>>(std::move(done), [this](RedisConnection& redis) {
    int64_t now = unix_ms();
    auto index = prefix_ + "streams";
    auto replies = redis.run(std::vector<RedisCommand>{
        {"ZREMRANGEBYSCORE", index, "-inf", std::to_string(now)},
        {"ZRANGE", index, "0", std::to_string(kMaxListedStreams - 1)}});
    const redisReply* names = replies[1].get();
    std::vector<std::string> streams;
    if (names->type == REDIS_REPLY_ARRAY) {
      for (std::size_t i = 0; i < names->elements; ++i) streams.push_back(reply_text(names->element[i]));
    }
    std::sort(streams.begin(), streams.end());
    std::vector<StreamEntry> entries;
    if (streams.empty()) return entries;
    std::vector<RedisCommand> reads;
    for (const auto& stream : streams) {
      reads.push_back({"HMGET", prefix_ + "publisher:" + stream, "address", "since", "refreshed", "ttl"});
      reads.push_back({"HGETALL", prefix_ + "watchers:" + stream});
    }
    auto details = redis.run(reads);
    int64_t window_ms = times_.watcher_window.count() * 1000;
    for (std::size_t i = 0; i < streams.size(); ++i) {
      auto publisher = publisher_from(details[2 * i].get(), now);
      if (!publisher) continue;  // expired between the two reads
      StreamEntry entry{streams[i], *publisher, {}};
      const redisReply* watchers = details[2 * i + 1].get();
      if (watchers->type == REDIS_REPLY_ARRAY) {
        for (std::size_t w = 0; w + 1 < watchers->elements; w += 2) {
          int64_t asked = to_int(watchers->element[w + 1]);
          if (now - asked > window_ms) continue;
          entry.playback_nodes.push_back({reply_text(watchers->element[w]), milliseconds(std::max<int64_t>(0, now - asked))});
        }
      }
      entries.push_back(std::move(entry));
    }
    return entries;
  });
}

void RedisStore::count(StoreCallback<std::size_t> done) {
  submit<std::size_t>(std::move(done), [this](RedisConnection& redis) {
    auto reply = redis.run(RedisCommand{"ZCOUNT", prefix_ + "streams", "(" + std::to_string(unix_ms()), "+inf"});
    return static_cast<std::size_t>(std::max<int64_t>(0, to_int(reply.get())));
  });
}

void RedisStore::check(StoreCallback<bool> done) {
  submit<bool>(std::move(done), [](RedisConnection& redis) {
    auto reply = redis.run(RedisCommand{"PING"});
    return reply_text(reply.get()) == "PONG";
  });
}

}  // namespace mmids::lookup
