// mmids-core/logging: --log-format json, one object per line with the log::Fields as keys.
#include "mmids-core/logging/init.hpp"
#include "mmids-core/logging/json_formatter.hpp"
#include "mmids-core/logging/log.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

using namespace mmids;

TEST_CASE("logging: the fields block of a message is split into keys", "[logging]") {
  auto split = log::split_fields("[workflow=w step=rtmp_watch stream=cam1 peer=1.2.3.4:5] viewer joined");
  REQUIRE(split.fields.size() == 4);
  CHECK(split.fields[0] == std::pair<std::string, std::string>{"workflow", "w"});
  CHECK(split.fields[3] == std::pair<std::string, std::string>{"peer", "1.2.3.4:5"});
  CHECK(split.message == "viewer joined");
  // Not a fields block: the whole text is the message.
  for (const char* text : {"no fields", "[not a block", "[Key=x] upper case key", "[a b] no equals", "[] empty"}) {
    INFO(text);
    auto whole = log::split_fields(text);
    CHECK(whole.fields.empty());
    CHECK(whole.message == text);
  }
}

TEST_CASE("logging: json lines hold time, level, message and the fields", "[logging]") {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("json-test", sink);
  logger.set_formatter(std::make_unique<log::JsonFormatter>());
  auto fields = log::Fields().with("stream", "cam1").with("peer", "10.0.0.1:4000");
  logger.info("{} publish \"started\"", fields);
  logger.warn("plain line");
  std::istringstream lines(out.str());
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  auto a = nlohmann::json::parse(first);
  CHECK(a["level"] == "info");
  CHECK(a["message"] == "publish \"started\"");
  CHECK(a["stream"] == "cam1");
  CHECK(a["peer"] == "10.0.0.1:4000");
  CHECK(a["time"].get<std::string>().size() == 24);  // 2026-12-01T10:00:00.123Z
  auto b = nlohmann::json::parse(second);
  CHECK(b["level"] == "warning");
  CHECK(b["message"] == "plain line");
  CHECK_THROWS_AS(log::init("info", "xml"), std::invalid_argument);
}

TEST_CASE("logging: a field value from a peer cannot forge a line or a field", "[logging]") {
  auto fields = log::Fields().with("peer", "1.2.3.4:5").with("stream", "a]\n2026 INFO x=y \xFF");
  CHECK(fields.str() == "[peer=1.2.3.4:5 stream=a\\x5D\\x0A2026\\x20INFO\\x20x=y\\x20\\xFF]");
  // A long value is cut: a 1000-character key is not written whole into every line.
  auto long_key = log::Fields().with("stream", std::string(1000, 'k')).str();
  CHECK(long_key == "[stream=" + std::string(200, 'k') + "...]");
  // An IPv6 peer keeps its brackets, and the JSON log still finds the end of the block.
  auto ipv6 = log::Fields().with("peer", "[::1]:5000").with("stream", "cam");
  CHECK(ipv6.str() == "[peer=[::1]:5000 stream=cam]");
  const std::string line = ipv6.str() + " viewer joined";  // split_fields gives views into it
  auto split = log::split_fields(line);
  REQUIRE(split.fields.size() == 2);
  CHECK(split.fields[0].second == "[::1]:5000");
  CHECK(split.message == "viewer joined");
  CHECK(log::Fields().with("stream", "[x").str() == "[stream=\\x5Bx]");
}
