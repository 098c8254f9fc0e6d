// lookup-server: trusted proxies and X-Forwarded-For.
#include "lookup-server/source_address.hpp"

#include <catch2/catch.hpp>

using namespace mmids::lookup;
using boost::asio::ip::make_address;

TEST_CASE("lookup: forwarded hops parse with or without ports and brackets", "[lookup]") {
  CHECK(parse_forwarded_hop(" 1.2.3.4 ")->to_string() == "1.2.3.4");
  CHECK(parse_forwarded_hop("1.2.3.4:5678")->to_string() == "1.2.3.4");
  CHECK(parse_forwarded_hop("2001:db8::1")->to_string() == "2001:db8::1");
  CHECK(parse_forwarded_hop("[2001:db8::1]")->to_string() == "2001:db8::1");
  CHECK(parse_forwarded_hop("[2001:db8::1]:443")->to_string() == "2001:db8::1");
  CHECK(parse_forwarded_hop("::ffff:1.2.3.4")->to_string() == "1.2.3.4");
  for (const char* bad : {"", "unknown", "_hidden", "1.2.3.4:port", "[1.2.3.4]", "[::1", "[::1]x", "a}b",
                          "fe80::1%eth0", "1.2.3.4:99999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_forwarded_hop(bad));
  }
}

TEST_CASE("lookup: X-Forwarded-For counts only when a trusted proxy sends it", "[lookup]") {
  std::vector<mmids::net::AddressRange> trusted{*mmids::net::parse_address_range("10.0.0.0/8")};
  auto from = [&](const char* peer, const char* header) {
    auto source = select_source_address(make_address(peer), header, trusted);
    return source.address ? source.address->to_string() : "error: " + source.error;
  };
  // Untrusted peers: the header is ignored.
  CHECK(from("192.0.2.7", "198.51.100.1") == "192.0.2.7");
  CHECK(from("192.0.2.7", "") == "192.0.2.7");
  // A trusted proxy: the nearest untrusted hop from the right.
  CHECK(from("10.0.0.5", "198.51.100.1") == "198.51.100.1");
  CHECK(from("10.0.0.5", "203.0.113.9, 198.51.100.1, 10.0.0.7") == "198.51.100.1");
  CHECK(from("10.0.0.5", "10.0.0.9,10.0.0.8") == "10.0.0.9");  // all trusted: the leftmost
  CHECK(from("10.0.0.5", "") == "10.0.0.5");
  CHECK(from("::ffff:10.0.0.5", "198.51.100.1") == "198.51.100.1");
  CHECK(from("10.0.0.5", "[2001:db8::7]:1234") == "2001:db8::7");
  // A spoofed leftmost entry does not win against the proxy's own view.
  CHECK(from("10.0.0.5", "6.6.6.6, 198.51.100.1") == "198.51.100.1");
  CHECK(from("10.0.0.5", "evil}, 198.51.100.1") == "198.51.100.1");
  CHECK(from("10.0.0.5", "198.51.100.1, evil}").rfind("error:", 0) == 0);
  // No trusted proxies configured: never believed.
  CHECK(select_source_address(make_address("10.0.0.5"), "1.1.1.1", {}).address->to_string() == "10.0.0.5");
}
