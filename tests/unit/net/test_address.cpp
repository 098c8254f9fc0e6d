// The one reader and writer of network addresses: what operators and peers write.
#include "mmids-core/net/address.hpp"

#include <catch2/catch.hpp>

using namespace mmids::net;
using boost::asio::ip::make_address;

namespace {

AddressRange range(const char* text) {
  auto parsed = parse_address_range(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace

TEST_CASE("address ranges match IPv4 and IPv6 networks", "[net]") {
  auto ten = range("10.0.0.0/8");
  CHECK(ten.contains(make_address("10.1.2.3")));
  CHECK(ten.contains(make_address("::ffff:10.9.9.9")));  // mapped IPv4 counts as IPv4
  CHECK_FALSE(ten.contains(make_address("11.0.0.1")));
  CHECK_FALSE(ten.contains(make_address("::1")));
  auto single = range("127.0.0.1");
  CHECK(single.prefix_length == 32);
  CHECK(single.contains(make_address("127.0.0.1")));
  CHECK_FALSE(single.contains(make_address("127.0.0.2")));
  auto v6 = range("fd00::/8");
  CHECK(v6.contains(make_address("fd12::1")));
  CHECK_FALSE(v6.contains(make_address("fe80::1")));
  CHECK(range("10.1.0.0/17").contains(make_address("10.1.127.255")));
  CHECK_FALSE(range("10.1.0.0/17").contains(make_address("10.1.128.0")));
  CHECK(range("0.0.0.0/0").contains(make_address("8.8.8.8")));
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0/8", "host", "10.0.0.0/8x", "1.2.3.4/-1"}) {
    INFO(bad);
    CHECK_FALSE(parse_address_range(bad).ok());
  }
}

TEST_CASE("hosts are bracketed when they are IPv6 only", "[net]") {
  CHECK(bracketed("10.0.0.1") == "10.0.0.1");
  CHECK(bracketed("2001:db8::1") == "[2001:db8::1]");
}

TEST_CASE("host and port pairs in every form the node meets", "[net]") {
  auto plain = parse_host_port("example.com:8080");
  REQUIRE(plain.ok());
  CHECK(plain->host == "example.com");
  CHECK(plain->port == 8080);
  auto no_port = parse_host_port("10.0.0.1");
  REQUIRE(no_port.ok());
  CHECK_FALSE(no_port->port.has_value());
  auto bracketed_v6 = parse_host_port("[fd00::5]:1935");
  REQUIRE(bracketed_v6.ok());
  CHECK(bracketed_v6->host == "fd00::5");
  CHECK(bracketed_v6->port == 1935);
  auto bare_v6 = parse_host_port("::1");
  REQUIRE(bare_v6.ok());
  CHECK(bare_v6->host == "::1");
  CHECK_FALSE(bare_v6->port.has_value());
  for (const char* bad : {"", ":80", "host:", "host:0", "host:65536", "host:8x", "[::1", "[nope]", "[1.2.3.4]",
                          "[::1]x", "ho st", "a}b", "::1:zz:80"}) {
    INFO(bad);
    auto parsed = parse_host_port(bad);
    CHECK_FALSE(parsed.ok());
    CHECK_FALSE((parsed.ok() || parsed.error().empty()));
  }
}

TEST_CASE("endpoints print as log fields, mapped IPv4 as IPv4", "[net]") {
  CHECK(endpoint_text(make_address("::ffff:10.1.2.3"), 4000) == "10.1.2.3:4000");
  CHECK(endpoint_text(make_address("::1"), 1935) == "[::1]:1935");
  CHECK(host_port_text("example.com", 80) == "example.com:80");
}

TEST_CASE("address lists skip empty entries and name the bad one", "[net]") {
  auto list = parse_address_ranges(" 10.0.0.0/8, ,192.168.1.5 ");
  REQUIRE(list.ok());
  CHECK(list->size() == 2);
  CHECK(any_contains(*list, make_address("192.168.1.5")));
  auto bad = parse_address_ranges("10.0.0.1, 300.1.1.1");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::Contains("300.1.1.1"));
  CHECK_FALSE(parse_address_ranges(" , ").ok());
}

TEST_CASE("an address with a NUL or a zone inside is refused, not read up to it", "[net]") {
  // Found by fuzz_urls_and_addresses: "::\0...1&[ee:fd00::5]" and "::%%%%%%%]%%%t..." were
  // both taken as the host "::".
  using namespace std::string_literals;
  const std::string crash = "::\0\0\0\0\0\0\0\0\0001&[ee:fd00::5]"s;
  CHECK_FALSE(parse_address(crash).ok());
  CHECK_FALSE(parse_host_port(crash).ok());
  CHECK_FALSE(parse_address("127.0.0.1\0.evil"s).ok());
  CHECK_FALSE(parse_address_range("10.0.0.0\0/8"s).ok());
  CHECK(parse_address("::%%%%%%%]%%%t%%%%\xdd%`5 ").error().ends_with("has a zone id"));
  CHECK_FALSE(parse_host_port("::%%%%%%%]%%%t%%%%\xdd%`5 ").ok());
  CHECK(parse_address("fe80::1%eth0").error().ends_with("has a zone id"));
  CHECK(parse_address("::ffff:10.1.2.3").ok());
  // The reason quotes the input printably.
  CHECK(parse_address("1\n2"s).error() == "'1\\x0A2' is not an IP address");
}
