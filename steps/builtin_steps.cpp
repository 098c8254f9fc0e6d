#include "steps/builtin_steps.hpp"

namespace mmids::steps {

void register_builtin_steps(workflows::StepRegistry& registry, StepServices& services) {
  // Each step type adds itself here as it lands (SPEC.md section 4 lists them all).
  (void)registry;
  (void)services;
}

}  // namespace mmids::steps
