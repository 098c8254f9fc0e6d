#pragma once
// lookup-server: reading typed values out of a TOML document, with errors that name the
// file, the line and the key (config.cpp, auth_config.cpp).
#include "lookup-server/config.hpp"
#include "mmids-core/net/address.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::lookup::toml_values {

// "file:line: 'key'"
std::string where(const std::string& source, const toml::node& node, std::string_view key);
std::string get_string(const std::string& source, const toml::node& node, std::string_view key);
int64_t get_integer(const std::string& source, const toml::node& node, std::string_view key, int64_t min, int64_t max);
// An array of addresses and CIDR ranges.
std::vector<net::AddressRange> get_ranges(const std::string& source, const toml::node& node, std::string_view key);
// A path relative to base_dir unless absolute.
std::string resolve_path(const std::string& base_dir, const std::string& path);
// The secret in a file (signing::read_secret_file), or ConfigError naming the key.
std::string read_secret(const std::string& source, const toml::node& node, std::string_view key,
                        const std::string& path);

}  // namespace mmids::lookup::toml_values
