#include "mmids-core/http_viewers/viewer_paths.hpp"

#include <charconv>
#include <vector>

namespace mmids::http_viewers {
namespace {

constexpr size_t kMaxNameLength = 128;

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '~' || c == '-';
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  Number value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool strip_suffix(std::string_view& text, std::string_view suffix) {
  if (text.size() <= suffix.size() || text.substr(text.size() - suffix.size()) != suffix) return false;
  text.remove_suffix(suffix.size());
  return true;
}

// "<seq>.ts" or "<seq>.<part>.ts"
bool parse_media_name(std::string_view name, ViewerPath& out) {
  if (!strip_suffix(name, ".ts")) return false;
  const size_t dot = name.find('.');
  auto sequence = parse_number<uint64_t>(name.substr(0, dot));
  if (!sequence) return false;
  out.sequence = *sequence;
  if (dot == std::string_view::npos) {
    out.resource = ViewerResource::Segment;
    return true;
  }
  auto part = parse_number<size_t>(name.substr(dot + 1));
  if (!part) return false;
  out.resource = ViewerResource::Part;
  out.part = *part;
  return true;
}

}  // namespace

bool is_plain_name(std::string_view text) {
  if (text.empty() || text.size() > kMaxNameLength || text == "." || text == "..") return false;
  for (char c : text)
    if (!unreserved(c)) return false;
  return true;
}

std::optional<ViewerPath> parse_viewer_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  const auto parts = split(path.substr(1), '/');
  ViewerPath out;
  if (parts.size() == 2) {
    std::string_view file = parts[1];
    if (strip_suffix(file, ".flv")) {
      out.resource = ViewerResource::Flv;
    } else if (strip_suffix(file, ".m3u8")) {
      out.resource = ViewerResource::Playlist;
    } else {
      return std::nullopt;
    }
    if (!is_plain_name(parts[0]) || !is_plain_name(file)) return std::nullopt;
    out.app = parts[0];
    out.key = file;
    return out;
  }
  if (parts.size() == 4) {
    if (!is_plain_name(parts[0]) || !is_plain_name(parts[1]) || !is_plain_name(parts[2])) return std::nullopt;
    if (!parse_media_name(parts[3], out)) return std::nullopt;
    out.app = parts[0];
    out.key = parts[1];
    out.instance = parts[2];
    return out;
  }
  return std::nullopt;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  for (std::string_view pair : split(query, '&')) {
    const size_t equals = pair.find('=');
    if (pair.substr(0, equals) != name) continue;
    return std::string(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
  }
  return std::nullopt;
}

std::string viewer_query(std::string_view query) {
  std::string out;
  if (query.empty()) return out;
  for (std::string_view pair : split(query, '&')) {
    const std::string_view name = pair.substr(0, pair.find('='));
    if (pair.empty() || name == "session" || name.substr(0, 5) == "_HLS_") continue;
    if (!out.empty()) out += '&';
    out += pair;
  }
  return out;
}

}  // namespace mmids::http_viewers
