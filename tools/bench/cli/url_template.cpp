#include "tools/bench/cli/url_template.hpp"

namespace mmids::bench {
namespace {
constexpr std::string_view kPlaceholders[] = {"{n}", "%d"};
}  // namespace

bool is_url_template(std::string_view url) {
  for (auto placeholder : kPlaceholders) {
    if (url.find(placeholder) != std::string_view::npos) return true;
  }
  return false;
}

std::string expand_url_template(std::string_view url, size_t index) {
  std::string result(url);
  const std::string number = std::to_string(index);
  for (auto placeholder : kPlaceholders) {
    for (size_t at = result.find(placeholder); at != std::string::npos; at = result.find(placeholder, at)) {
      result.replace(at, placeholder.size(), number);
      at += number.size();
    }
  }
  return result;
}

Result<std::vector<rtmp::RtmpUrl>> client_urls(std::string_view url, size_t clients, size_t streams) {
  const size_t keys = streams == 0 ? clients : streams;
  std::vector<rtmp::RtmpUrl> urls;
  urls.reserve(clients);
  for (size_t index = 0; index < clients; ++index) {
    if (index >= keys) {
      urls.push_back(urls[index % keys]);  // the same key again: no need to parse it twice
      continue;
    }
    auto parsed = rtmp::parse_rtmp_url(expand_url_template(url, index));
    if (!parsed.ok()) return Error("bad URL " + expand_url_template(url, index) + ": " + parsed.error());
    urls.push_back(std::move(parsed).value());
  }
  return urls;
}

}  // namespace mmids::bench
