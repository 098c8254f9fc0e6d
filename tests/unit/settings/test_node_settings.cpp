// The typed settings block: write_batch_ms (merged writes to viewers).
#include "mmids-core/settings/node_settings.hpp"

#include <catch2/catch.hpp>

using namespace mmids;

namespace {
settings::SettingsResult read(std::map<std::string, std::optional<std::string>> values) {
  config::NodeConfig config;
  config.settings = std::move(values);
  return settings::read_node_settings(config);
}
}  // namespace

TEST_CASE("settings: write_batch_ms defaults to merged writes of 100 ms, 0 writes at once", "[settings]") {
  CHECK(read({}).settings.write_batch_ms == 100);
  auto zero = read({{"write_batch_ms", "0"}});
  CHECK(zero.errors.empty());
  CHECK(zero.settings.write_batch_ms == 0);
  CHECK(read({{"write_batch_ms", "20"}}).settings.write_batch_ms == 20);
}

TEST_CASE("settings: write_batch_ms must be a whole number of at most 1000", "[settings]") {
  for (const char* bad : {"-1", "1001", "ten", "5ms", ""}) {
    INFO(bad);
    auto result = read({{"write_batch_ms", std::string(bad)}});
    REQUIRE(result.errors.size() == 1);
    CHECK_THAT(result.errors[0], Catch::Contains("write_batch_ms"));
  }
}
