// allow_ips / deny_ips as a node operator writes them.
#include "mmids-core/endpoint/ip_rules.hpp"

#include <catch2/catch.hpp>

using mmids::endpoint::IpRules;
using boost::asio::ip::make_address;

TEST_CASE("no rules admit every address", "[rtmp][ip]") {
  IpRules rules;
  CHECK(rules.permits(make_address("203.0.113.9")));
  CHECK(rules.permits(make_address("::1")));
}

TEST_CASE("allow_ips admits only listed addresses and ranges", "[rtmp][ip]") {
  auto rules = IpRules::allow("127.0.0.1, 10.0.0.0/8,192.168.1.0/24");
  CHECK(rules.permits(make_address("127.0.0.1")));
  CHECK(rules.permits(make_address("10.200.3.4")));
  CHECK(rules.permits(make_address("192.168.1.77")));
  CHECK_FALSE(rules.permits(make_address("192.168.2.1")));
  CHECK_FALSE(rules.permits(make_address("127.0.0.2")));
  CHECK(rules.permits(make_address("::ffff:10.1.1.1")));  // IPv4-mapped IPv6 peers match too
  CHECK_FALSE(rules.permits(make_address("::1")));
}

TEST_CASE("deny_ips refuses listed addresses and ranges", "[rtmp][ip]") {
  auto rules = IpRules::deny("127.0.0.2,172.16.0.0/12");
  CHECK_FALSE(rules.permits(make_address("127.0.0.2")));
  CHECK_FALSE(rules.permits(make_address("172.31.255.255")));
  CHECK(rules.permits(make_address("172.32.0.1")));
  CHECK(rules.permits(make_address("127.0.0.1")));
}

TEST_CASE("a /0 range matches everything and /32 one address", "[rtmp][ip]") {
  CHECK(IpRules::allow("0.0.0.0/0").permits(make_address("8.8.8.8")));
  CHECK_FALSE(IpRules::allow("8.8.8.8/32").permits(make_address("8.8.8.9")));
}

TEST_CASE("bad ip lists are refused naming the entry", "[rtmp][ip]") {
  CHECK_THROWS_WITH(IpRules::allow("10.0.0.0/33"), Catch::Contains("10.0.0.0/33"));
  CHECK_THROWS_WITH(IpRules::allow("not-an-ip"), Catch::Contains("not-an-ip"));
  CHECK_THROWS_WITH(IpRules::deny("1.2.3.4/x"), Catch::Contains("1.2.3.4/x"));
  CHECK_THROWS_WITH(IpRules::allow(" , "), Catch::Contains("empty"));
  CHECK_THROWS_WITH(IpRules::from_arguments(std::string("1.1.1.1"), std::string("2.2.2.2")),
                    Catch::Contains("not both"));
}
