#include "mmids-core/config/definitions.hpp"

#include "mmids-core/config/lexer.hpp"

namespace mmids::config {

namespace {

// FNV-1a, 64 bit: tiny, and the same on every machine and every run.
class Fnv1a {
 public:
  void bytes(std::string_view text) {
    for (char c : text) byte(static_cast<unsigned char>(c));
  }
  // Length first, so that ("ab","c") and ("a","bc") hash differently.
  void text(std::string_view text) {
    uint64_t size = text.size();
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(size >> (8 * i)));
    bytes(text);
  }
  void byte(unsigned char value) {
    hash_ ^= value;
    hash_ *= 0x100000001b3ULL;
  }
  [[nodiscard]] uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

bool plain_value(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!detail::is_value_char(c)) return false;
  return true;
}

std::string quote_if(bool needed, const std::string& text) { return needed ? "\"" + text + "\"" : text; }

}  // namespace

std::string SourceLocation::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string ConfigError::to_string() const { return where.to_string() + ": " + message; }

uint64_t StepDefinition::id() const {
  Fnv1a hash;
  hash.text(type);
  for (const auto& [key, value] : parameters) {  // a std::map: already sorted by key
    hash.text(key);
    hash.byte(value ? 1 : 0);  // a flag differs from k=""
    if (value) hash.text(*value);
  }
  return hash.value();
}

std::string StepDefinition::describe() const {
  std::string out = quote_if(!detail::is_name(type), type);
  for (const auto& [key, value] : parameters) {
    out += ' ';
    if (value) {
      out += quote_if(!detail::is_name(key), key);
      out += '=';
      out += quote_if(!plain_value(*value), *value);
    } else {
      // An unquoted '=' would split the flag into key and value.
      out += quote_if(!plain_value(key) || key.find('=') != std::string::npos, key);
    }
  }
  return out;
}

bool operator==(const StepDefinition& a, const StepDefinition& b) {
  return a.type == b.type && a.parameters == b.parameters;
}

std::string WorkflowDefinition::to_config_text() const {
  std::string out = "workflow " + quote_if(!detail::is_name(name), name);
  if (routed_by_reactor) out += " routed_by_reactor";
  out += " {\n";
  for (const auto& step : steps) out += "    " + step.describe() + "\n";
  out += "}\n";
  return out;
}

bool operator==(const WorkflowDefinition& a, const WorkflowDefinition& b) {
  return a.name == b.name && a.routed_by_reactor == b.routed_by_reactor && a.steps == b.steps;
}

bool operator==(const ReactorDefinition& a, const ReactorDefinition& b) {
  return a.name == b.name && a.executor == b.executor && a.update_interval_seconds == b.update_interval_seconds &&
         a.parameters == b.parameters;
}

}  // namespace mmids::config
