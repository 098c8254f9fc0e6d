// NodeSettings: the settings block read into typed values, with errors naming the setting.
#include "mmids-core/settings/node_settings.hpp"
#include "tests/unit/config/config_test_support.hpp"

using namespace std::chrono_literals;

namespace {

mmids::settings::SettingsResult settings_of(const std::string& block) {
  auto parsed = config_test::parse("settings {\n" + block + "\n}\n");
  REQUIRE(parsed.ok());
  return mmids::settings::read_node_settings(parsed.config);
}

}  // namespace

TEST_CASE("settings: publish_timeout defaults to 5 s and takes seconds", "[settings]") {
  CHECK(settings_of("").settings.publish_timeout == 5000ms);
  auto set = settings_of("publish_timeout 2.5");
  CHECK(set.errors.empty());
  CHECK(set.settings.publish_timeout == 2500ms);
  for (const char* bad : {"0", "-1", "soon", "3601"}) {
    INFO(bad);
    auto result = settings_of(std::string("publish_timeout ") + bad);
    REQUIRE(result.errors.size() == 1);
    CHECK_THAT(result.errors[0], Catch::Contains("'publish_timeout'") && Catch::Contains(bad));
  }
}

TEST_CASE("settings: write_batch_ms defaults to merged writes of 100 ms, 0 writes at once", "[settings]") {
  CHECK(settings_of("").settings.write_batch_ms == 100);
  auto zero = settings_of("write_batch_ms 0");
  CHECK(zero.errors.empty());
  CHECK(zero.settings.write_batch_ms == 0);
  CHECK(settings_of("write_batch_ms 20").settings.write_batch_ms == 20);
  for (const char* bad : {"-1", "1001", "ten", "5ms"}) {
    INFO(bad);
    auto result = settings_of(std::string("write_batch_ms ") + bad);
    REQUIRE(result.errors.size() == 1);
    CHECK_THAT(result.errors[0], Catch::Contains("'write_batch_ms'") && Catch::Contains(bad));
  }
}
