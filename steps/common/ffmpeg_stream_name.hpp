#pragma once
// The check every stream name passes before it reaches a file path or an ffmpeg
// argument list (SPEC.md section 7): 1 to 128 of [A-Za-z0-9_.-], and not "." or "..".
#include <string>
#include <string_view>

namespace mmids::steps {

[[nodiscard]] bool is_safe_stream_name(std::string_view name);

// The name for a log line: control and non-ASCII bytes as \xNN, at most 160 characters.
[[nodiscard]] std::string printable_stream_name(std::string_view name);

}  // namespace mmids::steps
