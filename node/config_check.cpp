#include "node/config_check.hpp"

#include "mmids-core/config/parser.hpp"
#include "mmids-core/signing/secret_file.hpp"
#include "reactor/reactor_manager.hpp"
#include "steps/builtin_steps.hpp"

namespace mmids::node {
namespace {

std::string plural(size_t count, const std::string& word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

CheckedConfig check_parsed(config::ParseResult parsed, std::string_view file_name) {
  CheckedConfig checked;
  for (const auto& warning : parsed.warnings) checked.warnings.push_back(warning.to_string() + " (warning)");
  for (const auto& error : parsed.errors) checked.errors.push_back(error.to_string());
  checked.config = std::move(parsed.config);

  auto settings = settings::read_node_settings(checked.config);
  checked.settings = settings.settings;
  // Settings errors name their file, line and column themselves (from the parse).
  for (auto& error : settings.errors) checked.errors.push_back(error);
  for (auto& warning : settings.warnings) checked.warnings.push_back(warning + " (warning)");
  if (!checked.settings.report_secret_file.empty()) {
    if (auto secret = signing::read_secret_file(checked.settings.report_secret_file); !secret.ok()) {
      checked.errors.push_back("setting 'report_secret_file': " + secret.error());
    }
  }

  asio::io_context io;
  workflows::StepRegistry registry;
  workflows::WorkflowManager manager(io, registry);
  // Reactors are checked by the code that builds them, one at a time so each one's
  // problem is reported; building one starts nothing.
  for (const auto& reactor : checked.config.reactors) {
    reactor::ReactorManager reactors(io, manager, checked.settings);
    try {
      reactors.configure({reactor});
    } catch (const std::exception& error) {
      checked.errors.push_back(error.what());
    }
  }

  // Step types are known without building a step; arguments are checked when a workflow starts.
  steps::StepServices services{io, checked.settings, manager, nullptr, nullptr};
  steps::register_builtin_steps(registry, services);
  for (const auto& workflow : checked.config.workflows) {
    for (const auto& step : workflow.steps) {
      if (registry.find(step.type)) continue;
      checked.step_errors.push_back(step.where.file + ":" + std::to_string(step.where.line) + ":" +
                               std::to_string(step.where.column) + ": workflow '" + workflow.name +
                               "': unknown step type '" + step.type + "'");
    }
  }
  return checked;
}

}  // namespace

CheckedConfig check_config_file(const std::filesystem::path& path) {
  return check_parsed(config::parse_config_file(path), path.string());
}

CheckedConfig check_config_text(std::string_view text, std::string_view file_name) {
  return check_parsed(config::parse_node_config(text, file_name), file_name);
}

std::string summarize(const config::NodeConfig& config) {
  size_t steps = 0;
  for (const auto& workflow : config.workflows) steps += workflow.steps.size();
  return plural(config.workflows.size(), "workflow") + ", " + plural(config.reactors.size(), "reactor") + ", " +
         plural(steps, "step");
}

}  // namespace mmids::node
