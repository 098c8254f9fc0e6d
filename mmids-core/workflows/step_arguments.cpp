#include "mmids-core/workflows/step.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace mmids::workflows {

StepArguments::StepArguments(const config::StepDefinition& definition) : definition_(definition) {}

std::string StepArguments::required(const std::string& key) {
  auto value = optional(key);
  if (!value) throw StepArgumentError("argument '" + key + "' is required");
  return *value;
}

std::optional<std::string> StepArguments::optional(const std::string& key) {
  known_.push_back(key);
  auto it = definition_.parameters.find(key);
  if (it == definition_.parameters.end()) return std::nullopt;
  if (!it->second) throw StepArgumentError("argument '" + key + "' needs a value (" + key + "=...)");
  return it->second;
}

bool StepArguments::flag(const std::string& key) {
  known_.push_back(key);
  return definition_.parameters.count(key) > 0;
}

std::optional<uint64_t> StepArguments::optional_number(const std::string& key, uint64_t min, uint64_t max) {
  auto text = optional(key);
  if (!text) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw StepArgumentError("argument '" + key + "' must be a whole number from " + std::to_string(min) +
                            " to " + std::to_string(max) + ", got '" + *text + "'");
  }
  return value;
}

std::optional<std::chrono::milliseconds> StepArguments::optional_seconds(const std::string& key, double max_seconds) {
  auto text = optional(key);
  if (!text) return std::nullopt;
  char* end = nullptr;
  const double seconds = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !std::isfinite(seconds) || seconds < 0 ||
      seconds > max_seconds) {
    throw StepArgumentError("argument '" + key + "' must be a number of seconds from 0 to " +
                            std::to_string(static_cast<long>(max_seconds)) + ", got '" + *text + "'");
  }
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

void StepArguments::reject_unknown() const {
  std::string unknown;
  for (const auto& [key, value] : definition_.parameters) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    unknown += (unknown.empty() ? "'" : ", '") + key + "'";
  }
  if (unknown.empty()) return;
  std::string accepted;
  for (const auto& key : known_) accepted += (accepted.empty() ? "" : ", ") + key;
  throw StepArgumentError("unknown argument " + unknown + " (accepted: " + accepted + ")");
}

}  // namespace mmids::workflows
