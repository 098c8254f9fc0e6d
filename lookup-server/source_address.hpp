#pragma once
// lookup-server: which address a lookup came from. Behind a trusted reverse proxy the peer
// is the proxy, so the client is read from X-Forwarded-For; from anyone else that header is
// a claim we do not believe. Addresses and ranges themselves are net's (mmids-core/net).
#include "mmids-core/net/address.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::lookup {

// One X-Forwarded-For hop: "1.2.3.4", "1.2.3.4:5678", "::1", "[::1]", "[::1]:80"
// (IPv4-mapped IPv6 comes back as IPv4); nullopt when it is not an address.
std::optional<boost::asio::ip::address> parse_forwarded_hop(std::string_view hop);

struct SourceAddress {
  std::optional<boost::asio::ip::address> address;
  std::string error;  // set when a trusted proxy sent an unusable X-Forwarded-For
};

// The peer itself, unless the peer is a trusted proxy and sent X-Forwarded-For: then the
// nearest hop (from the right) that is not a trusted proxy, or the leftmost hop when all are.
SourceAddress select_source_address(const boost::asio::ip::address& peer, std::string_view forwarded_for,
                                    const std::vector<net::AddressRange>& trusted_proxies);

}  // namespace mmids::lookup
