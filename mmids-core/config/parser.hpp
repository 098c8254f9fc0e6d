#pragma once
// Config room: the node config language (settings/workflow/reactor blocks) -> definitions, errors with file:line:column.
//
// Grammar as mmids reads it, plus: `key:` children are accepted as `key` (with a
// warning), quoted strings hold any character but '"', and `${NAME}` /
// `${NAME:-default}` expand in values of a node's own config file. All errors of a
// text are collected in one pass. Stages: lexer.hpp (lines -> words), parser.cpp
// (block structure, recovery), nodes.hpp (what the words mean), expansion.hpp (${}).
// What comes out is described in definitions.hpp.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mmids-core/config/definitions.hpp"

namespace mmids::config {

struct ParseResult {
  NodeConfig config;                  // meaningful only when ok()
  std::vector<ConfigError> errors;    // in text order; all of them (up to a cap of 100)
  std::vector<ConfigError> warnings;  // accepted, but worth telling the user
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

// Looks up an environment variable; nullopt when it is not set.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvironmentLookup process_environment();

// A whole node config file's text. `${NAME}` and `${NAME:-default}` (default used when
// NAME is unset or empty) expand in values from `env`; the result is not parsed again.
ParseResult parse_node_config(std::string_view text, std::string_view file_name,
                              const EnvironmentLookup& env = process_environment());

// Reads and parses a file; an unreadable (or larger than 16 MiB) file gives one error
// naming it.
ParseResult parse_config_file(const std::filesystem::path& path);

// Text holding only zero or more `workflow` blocks (an HTTP API PUT body, a reactor's
// HTTP answer). It comes from the network: there is no ${VAR} expansion (a '$' is an
// invalid character, even quoted), and settings or reactor blocks are errors.
ParseResult parse_workflows(std::string_view text, std::string_view source_name);

}  // namespace mmids::config
