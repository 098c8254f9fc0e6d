#include "mmids-core/logging/log.hpp"

#include "mmids-core/logging/init.hpp"
#include "mmids-core/logging/json_formatter.hpp"

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

Fields Fields::with(std::string_view key, std::string_view value) const {
  Fields result;
  std::string entry = std::string(key) + "=" + std::string(value);
  if (text_.empty()) {
    result.text_ = "[" + entry + "]";
  } else {
    result.text_ = text_.substr(0, text_.size() - 1) + " " + entry + "]";
  }
  return result;
}

}  // namespace mmids::log
