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
  auto* io = &io_;
  Job job = [io, done = std::move(done), work = std::move(work)](RedisConnection& connection) mutable {
    StoreResult<T> result;
    try {
      result.value = work(connection);
    } catch (const std::exception& e) {
      result.error = e.what();
    }
    // Moved into the io thread's handler: nothing of the request is destroyed here.
    boost::asio::post(*io, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  };
  {
    std::lock_guard lock(mutex_);
    if (jobs_.size() < kMaxQueuedJobs) {
      jobs_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  boost::asio::post(io_, [job = std::move(job)]() mutable {
    // Too much waiting on Redis already: answer busy without touching it.
    (void)job;
  });
  StoreResult<T> busy;
  busy.error = "redis is too slow: " + std::to_string(kMaxQueuedJobs) + " requests are waiting";
  boost::asio::post(io_, [done = std::move(done), busy = std::move(busy)]() mutable { done(std::move(busy)); });
}
