// Fuzz target for the node config language: parse_node_config (with an environment
// that answers every variable) and parse_workflows on arbitrary bytes. Beyond "no
// crash, no hang": every error is located and valid UTF-8 (the HTTP API puts messages
// in JSON), and workflows that parse_workflows accepts read back equal from their own
// config text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mmids-core/config/lexer.hpp"  // find_invalid_utf8
#include "mmids-core/config/parser.hpp"

namespace {

bool is_utf8(std::string_view text) { return mmids::config::detail::find_invalid_utf8(text) == std::string_view::npos; }

void check_located(const mmids::config::ParseResult& result) {
  for (const auto& list : {result.errors, result.warnings})
    for (const auto& error : list)
      if (error.where.line < 1 || error.where.column < 1 || error.message.empty() || !is_utf8(error.to_string()))
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto env = [](std::string_view) -> std::optional<std::string> { return std::string("fuzz value #{}"); };
  auto node = mmids::config::parse_node_config(text, "fuzz.config", env);
  check_located(node);
  for (const auto& workflow : node.config.workflows)
    for (const auto& step : workflow.steps) (void)step.describe(), (void)step.id();

  auto workflows = mmids::config::parse_workflows(text, "fuzz");
  check_located(workflows);
  if (!workflows.config.reactors.empty() || !workflows.config.settings.empty()) std::abort();
  if (workflows.ok()) {
    for (const auto& workflow : workflows.config.workflows) {
      if (!is_utf8(workflow.to_config_text())) std::abort();
      auto again = mmids::config::parse_workflows(workflow.to_config_text(), "round trip");
      if (!again.ok() || again.config.workflows.size() != 1 || !(again.config.workflows[0] == workflow)) std::abort();
    }
  }
  return 0;
}
