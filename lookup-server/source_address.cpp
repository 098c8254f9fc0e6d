#include "lookup-server/source_address.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace mmids::lookup {

namespace ip = boost::asio::ip;

namespace {

ip::address normalize(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  // Zone ids ("fe80::1%eth0") name a local interface: meaningless as a source.
  if (address.is_v6() && address.to_v6().scope_id() != 0) return std::nullopt;
  return normalize(address);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool AddressRange::contains(const ip::address& candidate) const {
  auto address = normalize(candidate);
  if (address.is_v4() != network.is_v4()) return false;
  auto compare = [&](const auto& a, const auto& b) {
    unsigned bits = prefix_length;
    for (std::size_t i = 0; i < a.size() && bits > 0; ++i) {
      unsigned take = std::min(bits, 8u);
      auto mask = static_cast<unsigned char>(0xff << (8 - take));
      if ((a[i] & mask) != (b[i] & mask)) return false;
      bits -= take;
    }
    return true;
  };
  if (address.is_v4()) return compare(address.to_v4().to_bytes(), network.to_v4().to_bytes());
  return compare(address.to_v6().to_bytes(), network.to_v6().to_bytes());
}

std::string AddressRange::to_string() const {
  return network.to_string() + "/" + std::to_string(prefix_length);
}

AddressRange parse_address_range(std::string_view text) {
  auto fail = [&]() -> AddressRange {
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not an IP address or CIDR range (like 10.0.0.0/8 or fd00::/8)");
  };
  auto slash = text.find('/');
  auto address = parse_address(text.substr(0, slash));
  if (!address) return fail();
  unsigned max_length = address->is_v4() ? 32 : 128;
  AddressRange range{*address, max_length};
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    unsigned length = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || length > max_length) {
      return fail();
    }
    range.prefix_length = length;
  }
  return range;
}

std::optional<ip::address> parse_forwarded_hop(std::string_view hop) {
  hop = trim(hop);
  if (hop.empty()) return std::nullopt;
  if (hop.front() == '[') {
    auto close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = hop.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && is_port(rest.substr(1)))) return std::nullopt;
    auto address = parse_address(hop.substr(1, close - 1));
    if (address && !address->is_v6()) {
      // "[1.2.3.4]" is not a valid form; only IPv6 goes in brackets (mapped ones included).
      if (hop.substr(1, close - 1).find(':') == std::string_view::npos) return std::nullopt;
    }
    return address;
  }
  auto colon = hop.find(':');
  if (colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos) {
    if (!is_port(hop.substr(colon + 1))) return std::nullopt;  // "a.b.c.d:port"
    auto address = parse_address(hop.substr(0, colon));
    if (!address || !address->is_v4()) return std::nullopt;
    return address;
  }
  return parse_address(hop);
}

SourceAddress select_source_address(const ip::address& peer, std::string_view forwarded_for,
                                    const std::vector<AddressRange>& trusted_proxies) {
  auto client = normalize(peer);
  auto trusted = [&](const ip::address& address) {
    return std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                       [&](const AddressRange& range) { return range.contains(address); });
  };
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

std::string url_host(const std::string& address) {
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

}  // namespace mmids::lookup
