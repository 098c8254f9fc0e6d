#include "mmids-core/logging/log.hpp"

#include <stdexcept>

namespace mmids::log {

void init(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only "off" itself may mean off.
  if (parsed == spdlog::level::off && level != "off") {
    throw std::invalid_argument("unknown log level '" + std::string(level) +
                                "' (expected trace, debug, info, warn, error, critical or off)");
  }
  spdlog::set_level(parsed);
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
}

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
