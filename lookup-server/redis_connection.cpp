#include "lookup-server/redis_connection.hpp"

#include <spdlog/spdlog.h>

namespace mmids::lookup {

namespace {

timeval to_timeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

constexpr std::chrono::milliseconds kReconnectPause{200};
constexpr std::chrono::seconds kRepeatLogEvery{10};

}  // namespace

RedisConnection::RedisConnection(RedisEndpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

RedisConnection::~RedisConnection() {
  if (context_) redisFree(context_);
}

void RedisConnection::fail(const std::string& reason) {
  if (context_) {
    redisFree(context_);
    context_ = nullptr;
  }
  auto now = std::chrono::steady_clock::now();
  if (was_up_ || reason != last_error_ || now - last_logged_ >= kRepeatLogEvery) {
    spdlog::warn("[store={}] redis unavailable: {}", endpoint_.describe(), reason);
    last_logged_ = now;
  }
  was_up_ = false;
  last_error_ = reason;
  throw RedisError("redis unavailable: " + reason);
}

void RedisConnection::connect() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_attempt_ < kReconnectPause && !last_error_.empty()) {
    throw RedisError("redis unavailable: " + last_error_);
  }
  last_attempt_ = now;
  context_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, to_timeval(timeout_));
  if (!context_) fail("cannot allocate a connection");
  if (context_->err) fail("cannot connect to " + endpoint_.describe() + ": " + context_->errstr);
  redisSetTimeout(context_, to_timeval(timeout_));
  redisEnableKeepAlive(context_);

  std::vector<RedisCommand> setup;
  if (!endpoint_.password.empty()) {
    if (endpoint_.username.empty()) setup.push_back({"AUTH", endpoint_.password});
    else setup.push_back({"AUTH", endpoint_.username, endpoint_.password});
  }
  if (endpoint_.db != 0) setup.push_back({"SELECT", std::to_string(endpoint_.db)});
  setup.push_back({"PING"});
  try {
    run_once(setup);
  } catch (const RedisError& e) {
    if (context_) fail(e.what());  // refused AUTH or SELECT: do not keep a half-set-up connection
    throw;
  }
  if (!was_up_) {
    spdlog::info("[store={}] redis connected", endpoint_.describe());
    was_up_ = true;
    last_error_.clear();
  }
}

std::vector<RedisReplyPtr> RedisConnection::run(const std::vector<RedisCommand>& commands) {
  if (!context_) {
    connect();
    return run_once(commands);
  }
  try {
    return run_once(commands);
  } catch (const RedisError&) {
    if (context_) throw;  // Redis answered with an error: the connection is fine
  }
  last_attempt_ = {};  // the connection died since its last use: try a new one at once
  connect();
  return run_once(commands);
}

std::vector<RedisReplyPtr> RedisConnection::run_once(const std::vector<RedisCommand>& commands) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& command : commands) {
    argv.clear();
    lengths.clear();
    for (const auto& word : command) {
      argv.push_back(word.data());
      lengths.push_back(word.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
      fail(std::string("cannot send a command: ") + context_->errstr);
    }
  }
  std::vector<RedisReplyPtr> replies;
  std::string command_error;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || !raw) {
      fail(std::string("connection lost: ") + (context_->errstr[0] ? context_->errstr : "no reply"));
    }
    RedisReplyPtr reply(static_cast<redisReply*>(raw));
    if (reply->type == REDIS_REPLY_ERROR && command_error.empty()) {
      command_error = commands[i].front() + ": " + std::string(reply->str, reply->len);
    }
    replies.push_back(std::move(reply));
  }
  if (!command_error.empty()) {
    // Redis is reachable but refuses (LOADING, OOM, MISCONF, NOAUTH, ...): keep the connection.
    spdlog::warn("[store={}] redis error: {}", endpoint_.describe(), command_error);
    throw RedisError("redis error: " + command_error);
  }
  return replies;
}

std::string reply_text(const redisReply* reply) {
  if (!reply || reply->type == REDIS_REPLY_NIL) return {};
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS) return std::string(reply->str, reply->len);
  if (reply->type == REDIS_REPLY_INTEGER) return std::to_string(reply->integer);
  throw RedisError("unexpected redis reply type " + std::to_string(reply->type));
}

bool reply_is_nil(const redisReply* reply) { return !reply || reply->type == REDIS_REPLY_NIL; }

}  // namespace mmids::lookup
