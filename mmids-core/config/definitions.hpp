#pragma once
// Config room: what a parsed node config is made of (settings, workflows, steps,
// reactors) and where each piece came from. Parsing lives in parser.hpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mmids::config {

// A place in a config text. line and column are 1-based; column counts characters
// (UTF-8 code points), a tab counting as one. line 0 means "the whole file".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:column", or just "file" when line is 0.
  [[nodiscard]] std::string to_string() const;
};

struct ConfigError {
  SourceLocation where;
  std::string message;

  // "file:line:column: message" ("file: message" for a whole-file problem).
  [[nodiscard]] std::string to_string() const;
};

// key -> value; a bare flag has no value (std::nullopt); k="" is an empty value,
// distinct from a flag.
using Parameters = std::map<std::string, std::optional<std::string>>;

struct StepDefinition {
  std::string type;
  Parameters parameters;
  SourceLocation where;

  // Identity of the step: FNV-1a 64 of the type and the (sorted) parameters. Stable
  // across runs and machines; a flag and k="" differ; location does not count.
  [[nodiscard]] uint64_t id() const;

  // One line of config syntax, e.g. `rtmp_receive rtmp_app=ingest stream_key=*`:
  // parameters sorted by key, flags bare, keys and values quoted only when they need it.
  [[nodiscard]] std::string describe() const;
};
bool operator==(const StepDefinition& a, const StepDefinition& b);  // type + parameters

struct WorkflowDefinition {
  std::string name;
  bool routed_by_reactor = false;
  std::vector<StepDefinition> steps;
  SourceLocation where;

  // The workflow as a config block (`workflow NAME [routed_by_reactor] {`, one
  // describe() line per step indented by four spaces, `}`), ending with a newline.
  // parse_workflows() reads it back as an equal definition (unless a value holds '$').
  [[nodiscard]] std::string to_config_text() const;
};
bool operator==(const WorkflowDefinition& a, const WorkflowDefinition& b);  // name, flag, steps

struct ReactorDefinition {
  std::string name;
  std::string executor;
  uint32_t update_interval_seconds = 0;  // 0: never re-ask
  std::map<std::string, std::string> parameters;  // children `key value`, e.g. "url"
  SourceLocation where;
};
bool operator==(const ReactorDefinition& a, const ReactorDefinition& b);  // all but location

struct NodeConfig {
  std::map<std::string, std::optional<std::string>> settings;  // a bare setting: nullopt
  std::map<std::string, SourceLocation> setting_locations;     // where each setting was (last) given
  std::vector<WorkflowDefinition> workflows;                    // in file order
  std::vector<ReactorDefinition> reactors;                      // in file order
};

}  // namespace mmids::config
