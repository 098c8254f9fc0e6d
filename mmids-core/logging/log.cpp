#include "mmids-core/logging/log.hpp"

#include "mmids-core/logging/init.hpp"
#include "mmids-core/logging/json_formatter.hpp"
#include "mmids-core/common/utf8.hpp"

#include <stdexcept>

namespace mmids::log {

void init(std::string_view level, std::string_view format) {
  if (format != "text" && format != "json") {
    throw std::invalid_argument("unknown log format '" + std::string(format) + "' (expected text or json)");
  }
  auto parsed = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only "off" itself may mean off.
  if (parsed == spdlog::level::off && level != "off") {
    throw std::invalid_argument("unknown log level '" + std::string(level) +
                                "' (expected trace, debug, info, warn, error, critical or off)");
  }
  spdlog::set_level(parsed);
  if (format == "json") {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
}

void init(std::string_view level) { init(level, "text"); }

namespace {

// A 1000-character stream key is cut, not written whole into every line about it.
constexpr std::size_t kMaxValueCharacters = 200;

bool brackets_balanced(std::string_view text) {
  int depth = 0;
  for (char c : text) {
    if (c == '[') ++depth;
    if (c == ']' && --depth < 0) return false;
  }
  return depth == 0;
}

// Values come from peers too (stream keys, app names): a newline, a control byte, a space
// or a stray bracket must not forge a line or end the field block, so those and invalid
// UTF-8 are written \xNN. Balanced brackets stay: an IPv6 peer is "[::1]:5000".
std::string field_value(std::string_view value) {
  std::string text = utf8::printable(value, kMaxValueCharacters, " ");
  if (brackets_balanced(text)) return text;
  std::string escaped;
  for (char c : text) escaped += c == '[' ? "\\x5B" : c == ']' ? "\\x5D" : std::string(1, c);
  return escaped;
}

}  // namespace

Fields Fields::with(std::string_view key, std::string_view value) const {
  Fields result;
  std::string entry = std::string(key) + "=" + field_value(value);
  if (text_.empty()) {
    result.text_ = "[" + entry + "]";
  } else {
    result.text_ = text_.substr(0, text_.size() - 1) + " " + entry + "]";
  }
  return result;
}

}  // namespace mmids::log
