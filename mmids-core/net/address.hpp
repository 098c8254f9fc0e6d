#pragma once
// net: the one place that reads and writes network addresses: IP literals, host[:port]
// with IPv6 in brackets, CIDR ranges, and endpoints as log fields print them. The HTTP
// and RTMP URL parsers, the lookup server's listen/Redis/X-Forwarded-For parsing, IP
// rules and every "peer=" field go through it, so "[::1]:1935" means one thing everywhere.
#include "mmids-core/common/result.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::net {

namespace ip = boost::asio::ip;

// An IPv4-mapped IPv6 address (::ffff:1.2.3.4, what a dual-stack socket reports) as the
// IPv4 address it is; anything else unchanged.
[[nodiscard]] ip::address normalize(const ip::address& address);

// An IP literal: "10.0.0.1", "::1" (no brackets). Zone ids ("fe80::1%eth0") are refused:
// they name a local interface, not a host. IPv4-mapped IPv6 comes back as IPv4.
[[nodiscard]] Result<ip::address> parse_address(std::string_view text);

// A port number from 1 to 65535, digits only.
[[nodiscard]] Result<uint16_t> parse_port(std::string_view text);

struct HostPort {
  std::string host;              // a host name or an IP literal, never bracketed
  std::optional<uint16_t> port;  // absent when the text gave none
  [[nodiscard]] bool is_ipv6_literal() const { return host.find(':') != std::string::npos; }
};

// "host", "host:port", "1.2.3.4:5", "[::1]", "[::1]:80", and a bare IPv6 literal
// ("::1", "fd00::5": two or more colons without brackets, no port). A host is an IP
// literal or a name of letters, digits, '.', '-' and '_'; brackets hold IPv6 only.
[[nodiscard]] Result<HostPort> parse_host_port(std::string_view text);

// "example.com", "10.0.0.1", "[::1]": a host as it goes into a URL or a host:port pair.
[[nodiscard]] std::string bracketed(std::string_view host);
// "example.com:80", "[::1]:1935".
[[nodiscard]] std::string host_port_text(std::string_view host, uint16_t port);
// An address as text, normalized, without brackets.
[[nodiscard]] std::string address_text(const ip::address& address);
// "1.2.3.4:5678", "[::1]:80": the form of every peer= and local= log field.
[[nodiscard]] std::string endpoint_text(const ip::tcp::endpoint& endpoint);
[[nodiscard]] std::string endpoint_text(const ip::address& address, uint16_t port);

// An IPv4 or IPv6 network: "10.0.0.0/8", "fd00::/8", or one address ("127.0.0.1").
struct AddressRange {
  ip::address network;
  unsigned prefix_length = 0;

  [[nodiscard]] bool contains(const ip::address& address) const;  // mapped IPv6 counts as IPv4
  [[nodiscard]] std::string to_string() const;
};

[[nodiscard]] Result<AddressRange> parse_address_range(std::string_view text);
// A comma list of ranges ("10.0.0.0/8, 192.168.1.5"); spaces around entries and empty
// entries are ignored; a list without any range is an error.
[[nodiscard]] Result<std::vector<AddressRange>> parse_address_ranges(std::string_view list);
[[nodiscard]] bool any_contains(const std::vector<AddressRange>& ranges, const ip::address& address);

}  // namespace mmids::net
