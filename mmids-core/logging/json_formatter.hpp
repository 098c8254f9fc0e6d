#pragma once
// mmids-core/logging: the `--log-format json` line format. spdlog hands a formatter only
// the finished message text, and every line about a stream already starts with its
// log::Fields block ("[workflow=w stream=cam1 peer=1.2.3.4:5] publish started"), made by
// the one Fields::with. So this formatter reads that block back into separate JSON keys
// (the same fields, no second convention to keep in step); a message that does not start
// with a well-formed block is kept whole as "message".
#include <spdlog/formatter.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmids::log {

struct SplitMessage {
  std::vector<std::pair<std::string, std::string>> fields;  // in order
  std::string_view message;                                  // the rest, without the block
};
// "[k=v k2=v2] text" -> {{k,v},{k2,v2}}, "text". Keys are [a-z_]+; values hold no space
// or ']'. Anything else -> no fields, the whole text.
[[nodiscard]] SplitMessage split_fields(std::string_view text);

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace mmids::log
