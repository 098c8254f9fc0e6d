#pragma once
// StepRegistry: step type name -> factory. The node registers the built-in step types
// (steps/builtin_steps.hpp); tests register their own.
#include "mmids-core/workflows/step.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mmids::workflows {

// Builds a step from its definition. Throws StepArgumentError for bad arguments.
using StepFactory =
    std::function<std::unique_ptr<WorkflowStep>(const config::StepDefinition&, StepContext)>;

class StepRegistry {
 public:
  void add(std::string type, StepFactory factory);
  // Another name for an already registered type (e.g. forward_to_workflow).
  void add_alias(std::string alias, const std::string& type);
  [[nodiscard]] const StepFactory* find(const std::string& type) const;
  [[nodiscard]] std::vector<std::string> types() const;

 private:
  std::map<std::string, StepFactory> factories_;
};

}  // namespace mmids::workflows
