#pragma once
// mmids-core/logging: how a program sets up its log (its --log-level and --log-format).
#include <string_view>

namespace mmids::log {

// Sets the default logger's level ("trace".."off") and line format:
//   "text": 2026-12-01 10:00:00.123 info  [stream=cam1 peer=1.2.3.4:5] publish started
//   "json": {"time":"2026-12-01T10:00:00.123Z","level":"info","message":"publish started",
//            "stream":"cam1","peer":"1.2.3.4:5"}   one object per line, for log shippers
// Throws std::invalid_argument for an unknown level or format name. (log.hpp's
// init(level) is init(level, "text").)
void init(std::string_view level, std::string_view format);

}  // namespace mmids::log
