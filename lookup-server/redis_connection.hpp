#pragma once
// lookup-server: a blocking Redis connection (hiredis) for the Redis store's worker thread.
// It connects on first use, reconnects after a failure (at most every 200 ms, failing fast
// in between) and logs when Redis goes away and comes back, with the reason.
#include "lookup-server/config.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mmids::lookup {

class RedisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;
using RedisCommand = std::vector<std::string>;

class RedisConnection {
 public:
  RedisConnection(RedisEndpoint endpoint, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends the commands in one pipeline and returns their replies in order. Throws RedisError
  // when Redis cannot be reached or answers any of them with an error. A connection found
  // dead on use (Redis restarted) is replaced once at once, so only an outage fails.
  std::vector<RedisReplyPtr> run(const std::vector<RedisCommand>& commands);
  RedisReplyPtr run(const RedisCommand& command) { return std::move(run(std::vector<RedisCommand>{command}).front()); }

 private:
  void connect();
  std::vector<RedisReplyPtr> run_once(const std::vector<RedisCommand>& commands);
  [[noreturn]] void fail(const std::string& reason);  // drops the connection, logs, throws

  RedisEndpoint endpoint_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
  std::chrono::steady_clock::time_point last_attempt_{};
  std::string last_error_;
  std::chrono::steady_clock::time_point last_logged_{};
  bool was_up_ = false;
};

// Reply helpers: the text of a string/status reply ("" for nil), an integer, or throws.
std::string reply_text(const redisReply* reply);
bool reply_is_nil(const redisReply* reply);

}  // namespace mmids::lookup
