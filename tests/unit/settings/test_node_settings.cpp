// NodeSettings: the settings block read into typed values, with errors naming the setting.
#include "mmids-core/settings/node_settings.hpp"
#include "tests/unit/config/config_test_support.hpp"

#include <sched.h>

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

TEST_CASE("settings: an API reachable off loopback needs http_api_token", "[settings]") {
  CHECK(settings_of("http_api_port 9011").errors.empty());  // 127.0.0.1 by default
  auto open = settings_of("http_api_port 9011\nhttp_api_address 0.0.0.0");
  REQUIRE(open.errors.size() == 1);
  CHECK_THAT(open.errors[0], Catch::Contains("http_api_token"));
  auto locked = settings_of("http_api_port 9011\nhttp_api_address 0.0.0.0\nhttp_api_token s3cret");
  CHECK(locked.errors.empty());
  CHECK(locked.settings.http_api_token == "s3cret");
  CHECK(settings_of("http_api_address 192.0.2.1").errors.empty());  // no port: no API
}

TEST_CASE("settings: connection limits are whole numbers with defaults", "[settings]") {
  auto defaults = settings_of("");
  CHECK(defaults.settings.max_connections == 10000);
  CHECK(defaults.settings.max_connections_per_address == 1000);
  auto set = settings_of("max_connections 50\nmax_connections_per_address 5");
  CHECK(set.errors.empty());
  CHECK(set.settings.max_connections == 50);
  CHECK(set.settings.max_connections_per_address == 5);
  for (const char* bad : {"0", "-3", "many", "1.5"}) {
    INFO(bad);
    CHECK(settings_of(std::string("max_connections ") + bad).errors.size() == 1);
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

TEST_CASE("settings: read_batch_ms defaults to paced reads of 20 ms, 0 reads at once", "[settings]") {
  CHECK(settings_of("").settings.read_batch_ms == 20);
  auto zero = settings_of("read_batch_ms 0");
  CHECK(zero.errors.empty());
  CHECK(zero.settings.read_batch_ms == 0);
  CHECK(settings_of("read_batch_ms 50").settings.read_batch_ms == 50);
  for (const char* bad : {"-1", "1001", "ten", "5ms"}) {
    INFO(bad);
    auto result = settings_of(std::string("read_batch_ms ") + bad);
    REQUIRE(result.errors.size() == 1);
    CHECK_THAT(result.errors[0], Catch::Contains("'read_batch_ms'") && Catch::Contains(bad));
  }
}

TEST_CASE("settings: worker_threads defaults to the cores the node may run on, 1 to 256", "[settings]") {
  cpu_set_t allowed;
  REQUIRE(sched_getaffinity(0, sizeof allowed, &allowed) == 0);
  CHECK(settings_of("").settings.worker_threads == static_cast<uint32_t>(CPU_COUNT(&allowed)));
  // Pinned to one core (taskset -c 0), the default is one thread, whatever the machine has.
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);
  const auto pinned = mmids::settings::default_worker_threads();
  REQUIRE(sched_setaffinity(0, sizeof allowed, &allowed) == 0);
  CHECK(pinned == 1);
  CHECK(settings_of("worker_threads 3").settings.worker_threads == 3);
  for (const char* bad : {"0", "257", "two"}) {
    INFO(bad);
    auto result = settings_of(std::string("worker_threads ") + bad);
    REQUIRE(result.errors.size() == 1);
    CHECK_THAT(result.errors[0], Catch::Contains("'worker_threads'") && Catch::Contains(bad));
  }
}

TEST_CASE("settings: reports to the lookup server need a URL and a role", "[settings]") {
  CHECK(settings_of("").settings.report_url.empty());  // no URL: no reports
  auto set = settings_of("report_url http://lookup:8080/node_report\nnode_role playback\nnode_name play-1\n"
                         "report_interval 3");
  CHECK(set.errors.empty());
  CHECK(set.settings.report_url == "http://lookup:8080/node_report");
  CHECK(set.settings.node_role == "playback");
  CHECK(set.settings.node_name == "play-1");
  CHECK(set.settings.report_interval == 3s);
  CHECK(settings_of("").settings.report_interval == 10s);
  auto roleless = settings_of("report_url http://lookup/node_report");
  REQUIRE(roleless.errors.size() == 1);
  CHECK_THAT(roleless.errors[0], Catch::Contains("node_role"));
  for (const char* bad : {"node_role edge", "report_interval 0\nnode_role ingestion",
                          "report_interval 3601\nnode_role ingestion", "report_url ftp://x\nnode_role ingestion"}) {
    INFO(bad);
    CHECK(settings_of(bad).errors.size() == 1);
  }
  auto both = settings_of("report_secret abc\nreport_secret_file /x");
  REQUIRE(both.errors.size() == 1);
  CHECK_THAT(both.errors[0], Catch::Contains("not both"));
}
