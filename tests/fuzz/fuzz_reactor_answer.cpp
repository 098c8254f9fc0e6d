// Fuzz target: the body of a reactor's 200 answer, through what the node does with it:
// config::parse_workflows as reactor/simple_http_executor.cpp calls it, then the step
// definitions' identities (what a workflow update compares) and the argument readers the
// step factories run on them. The answer comes from the network, so beyond "no crash":
// - a refused answer's first error (what the executor logs) names the answer, a line and
//   a column, and every error and warning points inside the text;
// - an accepted answer has distinct workflow names, and each workflow reads back equal
//   from its own config text, every step with the same identity, also one step at a time;
// - equal steps have equal identities;
// - step arguments are refused only with a StepArgumentError that names the argument.
#include "mmids-core/config/lexer.hpp"  // LineReader, column_width
#include "mmids-core/config/parser.hpp"
#include "mmids-core/rtmp/client/rtmp_url.hpp"
#include "mmids-core/workflows/step.hpp"
#include "steps/common/ffmpeg_arguments.hpp"
#include "steps/common/ffmpeg_stream_name.hpp"
#include "steps/common/rtmp_endpoint_arguments.hpp"

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace mmids;

namespace {

const std::string kSource = "reactor fuzz answer";

// Every error and warning is at a line of the text and a column of that line (or just
// past its end), and names the answer.
void check_located(const config::ParseResult& result, std::string_view text) {
  std::vector<int> widths;  // column just past the end of each line
  config::detail::LineReader lines(text);
  std::string_view line;
  int number = 0;
  while (lines.next(line, number)) widths.push_back(config::detail::column_width(line) + 1);
  if (widths.empty()) widths.push_back(1);
  for (const auto& list : {result.errors, result.warnings}) {
    for (const auto& error : list) {
      const auto& where = error.where;
      if (where.file != kSource || error.message.empty()) std::abort();
      if (where.line < 1 || where.line > static_cast<int>(widths.size())) std::abort();
      if (where.column < 1 || where.column > widths[where.line - 1]) std::abort();
    }
  }
}

config::StepDefinition reparse_step(const config::StepDefinition& step) {
  auto again = config::parse_workflows("workflow one {\n    " + step.describe() + "\n}\n", "step");
  if (!again.ok() || again.config.workflows.size() != 1 || again.config.workflows[0].steps.size() != 1) std::abort();
  return again.config.workflows[0].steps[0];
}

// What the step factories read before they build anything (steps/*/..._step.cpp).
void read_arguments(const config::StepDefinition& step) {
  workflows::StepArguments args(step);
  try {
    if (step.type == "rtmp_receive" || step.type == "rtmp_watch") {
      (void)steps::RtmpEndpointArguments::read(args);
      (void)args.optional_number("idle_grace", 0, 3600);
    } else if (step.type == "ffmpeg_transcode") {
      (void)steps::TranscodeArguments::read(args);
    } else if (step.type == "ffmpeg_pull") {
      const std::string location = args.required("location");
      if (location.starts_with("rtmp://") || location.starts_with("rtmps://")) {
        auto url = rtmp::parse_rtmp_url(location);
        if (!url.ok() && url.error().empty()) std::abort();
      }
      (void)args.required("stream_name");
    } else if (step.type == "ffmpeg_push") {
      (void)steps::is_rtmp_url(args.required("target"));
    } else if (step.type == "ffmpeg_hls") {
      if (auto name = args.optional("stream_name"); name && !steps::is_safe_stream_name(*name)) {
        const std::string printable = steps::printable_stream_name(*name);
        for (unsigned char c : printable)
          if (c < 0x20 || c == 0x7F) std::abort();  // it goes into a log line
      }
      (void)args.optional_number("duration", 1, 3600);
    }
    args.reject_unknown();
  } catch (const workflows::StepArgumentError& error) {
    if (std::string_view(error.what()).find("argument") == std::string_view::npos) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = config::parse_workflows(text, kSource);  // as SimpleHttpExecutor::on_response
  check_located(parsed, text);
  if (!parsed.ok()) {
    if (!parsed.errors.front().to_string().starts_with(kSource + ":")) std::abort();
    return 0;
  }

  std::set<std::string> names;
  std::vector<const config::StepDefinition*> all_steps;
  for (const auto& workflow : parsed.config.workflows) {
    if (workflow.name.empty() || !names.insert(workflow.name).second) std::abort();
    auto again = config::parse_workflows(workflow.to_config_text(), "round trip");
    if (!again.ok() || again.config.workflows.size() != 1 || !(again.config.workflows[0] == workflow)) std::abort();
    for (size_t i = 0; i < workflow.steps.size(); ++i) {
      const auto& step = workflow.steps[i];
      if (again.config.workflows[0].steps[i].id() != step.id()) std::abort();
      const auto alone = reparse_step(step);
      if (!(alone == step) || alone.id() != step.id()) std::abort();
      read_arguments(step);
      if (all_steps.size() < 64) all_steps.push_back(&step);
    }
  }
  for (size_t i = 0; i < all_steps.size(); ++i)
    for (size_t j = i + 1; j < all_steps.size(); ++j)
      if (*all_steps[i] == *all_steps[j] && all_steps[i]->id() != all_steps[j]->id()) std::abort();
  return 0;
}
