#include "mmids-core/workflows/step_registry.hpp"

#include <stdexcept>

namespace mmids::workflows {

void StepRegistry::add(std::string type, StepFactory factory) {
  factories_[std::move(type)] = std::move(factory);
}

void StepRegistry::add_alias(std::string alias, const std::string& type) {
  const StepFactory* factory = find(type);
  if (!factory) throw std::logic_error("alias " + alias + " names unregistered step type " + type);
  factories_[std::move(alias)] = *factory;
}

const StepFactory* StepRegistry::find(const std::string& type) const {
  auto it = factories_.find(type);
  return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> StepRegistry::types() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  return names;
}

}  // namespace mmids::workflows
