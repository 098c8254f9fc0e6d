#include "lookup-server/key_file_auth.hpp"

#include "lookup-server/stream_name.hpp"
#include "mmids-core/endpoint/stream_key.hpp"
#include "mmids-core/signing/hmac.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace mmids::lookup {

Result<std::unordered_map<std::string, std::string>> parse_key_file(std::string_view text, const std::string& path) {
  std::unordered_map<std::string, std::string> keys;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto where = path + ":" + std::to_string(line_number) + ": ";
    auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) return Error(where + "expected 'stream_name secret'");
    std::string stream(line.substr(0, space));
    std::string_view secret = line.substr(space);
    while (!secret.empty() && (secret.front() == ' ' || secret.front() == '\t')) secret.remove_prefix(1);
    if (auto problem = endpoint::stream_key_problem(stream)) return Error(where + "stream name: " + *problem);
    if (secret.find_first_of(" \t") != std::string_view::npos) return Error(where + "the secret may not hold spaces");
    if (!keys.emplace(std::move(stream), std::string(secret)).second) return Error(where + "stream listed twice");
  }
  return keys;
}

Status KeyFileAuthoriser::load() {
  std::error_code ec;
  auto time = std::filesystem::last_write_time(path_, ec);
  auto size = ec ? 0 : std::filesystem::file_size(path_, ec);
  if (ec) return Error("cannot read key file " + path_ + ": " + ec.message());
  if (size > kMaxKeyFileBytes) return Error("key file " + path_ + " is larger than 16 MiB");
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Error("cannot read key file " + path_);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_key_file(text.str(), path_);
  if (!parsed.ok()) return std::move(parsed).take_error();
  keys_ = std::move(*parsed);
  loaded_time_ = time;
  loaded_size_ = size;
  return {};
}

void KeyFileAuthoriser::reload_if_changed() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < std::chrono::seconds(1)) return;
  last_check_ = now;
  std::error_code ec;
  auto time = std::filesystem::last_write_time(path_, ec);
  auto size = ec ? 0 : std::filesystem::file_size(path_, ec);
  if (!ec && time == loaded_time_ && size == loaded_size_) return;
  if (auto loaded = load(); !loaded.ok()) {
    spdlog::error("[auth=key_file] {}; keeping the {} keys loaded before", loaded.error(), keys_.size());
    if (!ec) {
      loaded_time_ = time;  // do not log the same broken file every second
      loaded_size_ = size;
    }
    return;
  }
  spdlog::info("[auth=key_file] reloaded {}: {} keys", path_, keys_.size());
}

void KeyFileAuthoriser::authorise(const AuthQuery& query, AuthCallback done) {
  reload_if_changed();
  auto given = query_parameter(query.query, kKeyParameter);
  if (!given || given->empty()) return done({false, "no key in the query"});
  auto it = keys_.find(query.stream_name);
  if (it == keys_.end()) return done({false, "stream is not in the key file"});
  if (!signing::constant_time_equal(it->second, *given)) return done({false, "wrong key"});
  done({true, {}});
}

}  // namespace mmids::lookup
