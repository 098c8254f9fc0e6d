#include "lookup-server/toml_values.hpp"

#include "mmids-core/signing/secret_file.hpp"

#include <filesystem>

namespace mmids::lookup::toml_values {

std::string where(const std::string& source, const toml::node& node, std::string_view key) {
  return source + ":" + std::to_string(node.source().begin.line) + ": '" + std::string(key) + "'";
}

std::string get_string(const std::string& source, const toml::node& node, std::string_view key) {
  auto value = node.value<std::string>();
  if (!node.is_string() || !value) throw ConfigError(where(source, node, key) + " must be a string");
  return *value;
}

int64_t get_integer(const std::string& source, const toml::node& node, std::string_view key, int64_t min,
                    int64_t max) {
  if (!node.is_integer()) throw ConfigError(where(source, node, key) + " must be a whole number");
  int64_t value = *node.value<int64_t>();
  if (value < min || value > max) {
    throw ConfigError(where(source, node, key) + " must be from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", found " + std::to_string(value));
  }
  return value;
}

std::vector<net::AddressRange> get_ranges(const std::string& source, const toml::node& node, std::string_view key) {
  const auto* array = node.as_array();
  if (!array) throw ConfigError(where(source, node, key) + " must be an array of strings");
  std::vector<net::AddressRange> ranges;
  for (const auto& item : *array) {
    auto range = net::parse_address_range(get_string(source, item, key));
    if (!range.ok()) throw ConfigError(where(source, node, key) + ": " + range.error());
    ranges.push_back(*range);
  }
  return ranges;
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

std::string read_secret(const std::string& source, const toml::node& node, std::string_view key,
                        const std::string& path) {
  auto secret = signing::read_secret_file(path);
  if (!secret.ok()) throw ConfigError(where(source, node, key) + ": " + secret.error());
  return *secret;
}

}  // namespace mmids::lookup::toml_values
