#include "mmids-core/logging/json_formatter.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

namespace mmids::log {

namespace {

bool is_key(std::string_view key) {
  if (key.empty() || key.size() > 32) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

std::string utc_time(spdlog::log_clock::time_point when) {
  auto since_epoch = when.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return text;
}

}  // namespace

SplitMessage split_fields(std::string_view text) {
  SplitMessage whole{{}, text};
  if (text.empty() || text.front() != '[') return whole;
  auto close = text.find(']');
  if (close == std::string_view::npos) return whole;
  std::string_view block = text.substr(1, close - 1);
  SplitMessage split;
  std::size_t start = 0;
  while (start <= block.size()) {
    auto end = block.find(' ', start);
    if (end == std::string_view::npos) end = block.size();
    std::string_view entry = block.substr(start, end - start);
    auto equals = entry.find('=');
    if (equals == std::string_view::npos || !is_key(entry.substr(0, equals))) return whole;
    split.fields.emplace_back(std::string(entry.substr(0, equals)), std::string(entry.substr(equals + 1)));
    start = end + 1;
  }
  split.message = text.substr(close + 1);
  if (!split.message.empty() && split.message.front() == ' ') split.message.remove_prefix(1);
  return split;
}

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string_view text(msg.payload.data(), msg.payload.size());
  auto split = split_fields(text);
  nlohmann::ordered_json line;
  line["time"] = utc_time(msg.time);
  auto level = spdlog::level::to_string_view(msg.level);
  line["level"] = std::string(level.data(), level.size());
  line["message"] = std::string(split.message);
  for (auto& [key, value] : split.fields) {
    // A field never overwrites the three keys every line has.
    if (key == "time" || key == "level" || key == "message") continue;
    line[key] = std::move(value);
  }
  auto out = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.push_back('\n');
  dest.append(out.data(), out.data() + out.size());
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const { return std::make_unique<JsonFormatter>(); }

}  // namespace mmids::log
