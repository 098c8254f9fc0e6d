#include "lookup-server/source_address.hpp"

namespace mmids::lookup {

namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<ip::address> parse_forwarded_hop(std::string_view hop) {
  auto host = net::parse_host_port(trim(hop));
  if (!host.ok()) return std::nullopt;
  auto address = net::parse_address(host->host);
  if (!address.ok()) return std::nullopt;
  return *address;
}

SourceAddress select_source_address(const ip::address& peer, std::string_view forwarded_for,
                                    const std::vector<net::AddressRange>& trusted_proxies) {
  auto client = net::normalize(peer);
  auto trusted = [&](const ip::address& address) { return net::any_contains(trusted_proxies, address); };
  if (trim(forwarded_for).empty() || !trusted(client)) return {client, {}};

  std::vector<std::string_view> hops;
  for (std::size_t start = 0;;) {
    auto comma = forwarded_for.find(',', start);
    hops.push_back(forwarded_for.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::optional<ip::address> leftmost;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto address = parse_forwarded_hop(*it);
    if (!address) {
      return {std::nullopt, "X-Forwarded-For from a trusted proxy holds a hop that is not an IP address"};
    }
    if (!trusted(*address)) return {*address, {}};
    leftmost = address;
  }
  return {leftmost, {}};
}

}  // namespace mmids::lookup
