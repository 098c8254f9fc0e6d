#pragma once
// Helpers for the [config] tests: parse with a fake environment, and describe errors
// so that a failing check shows what the user would have seen.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <string_view>

#include "mmids-core/config/parser.hpp"

namespace config_test {

using Env = std::map<std::string, std::string>;

inline mmids::config::EnvironmentLookup env_from(Env env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

inline mmids::config::ParseResult parse(std::string_view text, Env env = {}) {
  return mmids::config::parse_node_config(text, "node.config", env_from(std::move(env)));
}

inline std::string all_errors(const mmids::config::ParseResult& result) {
  std::string out;
  for (const auto& error : result.errors) out += error.to_string() + "\n";
  return out.empty() ? "(no errors)" : out;
}

// The single error of `result` is at line:column and its message contains `text`.
inline void require_one_error(const mmids::config::ParseResult& result, int line, int column, std::string_view text) {
  INFO(all_errors(result));
  REQUIRE(result.errors.size() == 1);
  const auto& error = result.errors[0];
  CHECK(error.where.file == "node.config");
  CHECK(error.where.line == line);
  CHECK(error.where.column == column);
  CHECK_THAT(error.message, Catch::Contains(std::string(text)));
}

}  // namespace config_test
