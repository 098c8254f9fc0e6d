#pragma once
// Everything that can be known about a node config without starting it: syntax,
// settings, reactor executors, step types. `mmids --check` and node start-up share it.
#include "mmids-core/config/definitions.hpp"
#include "mmids-core/settings/node_settings.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mmids::node {

struct CheckedConfig {
  config::NodeConfig config;
  settings::NodeSettings settings;
  std::vector<std::string> errors;       // "file:line:column: message" where known
  std::vector<std::string> warnings;
  // Unknown step types. `mmids --check` reports them as errors; a running node starts
  // anyway and the workflow holding one goes into error naming the step.
  std::vector<std::string> step_errors;
};

[[nodiscard]] CheckedConfig check_config_file(const std::filesystem::path& path);
[[nodiscard]] CheckedConfig check_config_text(std::string_view text, std::string_view file_name);
// "2 workflows, 1 reactor, 4 steps"
[[nodiscard]] std::string summarize(const config::NodeConfig& config);

}  // namespace mmids::node
