#pragma once
// Logging conventions. Every line about a workflow, step, stream or connection starts
// with its fields in brackets, e.g.
//   [workflow=ingestion step=rtmp_receive stream=cam1 peer=127.0.0.1:50412] publish started
// so `grep stream=cam1` follows one stream through a busy node.
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace mmids::log {

// Sets the default logger's level ("trace".."off") and line pattern. Throws
// std::invalid_argument for an unknown level name.
void init(std::string_view level);

// An immutable list of key=value fields, cheap to pass around by value. Values are written
// printable (utf8::printable: control bytes, spaces, ']' and invalid UTF-8 as \xNN).
class Fields {
 public:
  Fields() = default;
  [[nodiscard]] Fields with(std::string_view key, std::string_view value) const;
  [[nodiscard]] const std::string& str() const { return text_; }

 private:
  std::string text_;  // "[k=v k2=v2]" or empty
};

}  // namespace mmids::log

template <>
struct fmt::formatter<mmids::log::Fields> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const mmids::log::Fields& fields, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(fields.str(), ctx);
  }
};
