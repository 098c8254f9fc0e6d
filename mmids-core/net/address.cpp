#include "mmids-core/net/address.hpp"

#include "mmids-core/common/utf8.hpp"

#include <algorithm>
#include <charconv>

namespace mmids::net {
namespace {

bool host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Quoting untrusted text into an error: bounded, so a megabyte of garbage stays out of logs,
// and printable, so control bytes do not reach them either.
std::string quote_input(std::string_view text) { return "'" + utf8::printable(text, 64) + "'"; }

}  // namespace

ip::address normalize(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

Result<ip::address> parse_address(std::string_view text) {
  // Only the characters of an address reach make_address (found by fuzz_urls_and_addresses):
  // it reads a C string, so "::\0<anything>" would be "::", and it takes any text after a
  // '%' whose interface does not exist as zone 0, so "::%]x" would be "::".
  if (text.find('%') != std::string_view::npos) return Error(quote_input(text) + " has a zone id");
  const bool address_chars = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
  });
  if (!address_chars) return Error(quote_input(text) + " is not an IP address");
  boost::system::error_code ec;
  auto address = ip::make_address(std::string(text), ec);
  if (ec) return Error(quote_input(text) + " is not an IP address");
  if (address.is_v6() && address.to_v6().scope_id() != 0) return Error(quote_input(text) + " has a zone id");
  return normalize(address);
}

Result<uint16_t> parse_port(std::string_view text) {
  unsigned port = 0;
  auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), port);
  const bool digits_only = std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (text.empty() || !digits_only || status != std::errc() || end != text.data() + text.size() || port == 0 ||
      port > 65535) {
    return Error("port " + quote_input(text) + " is not a number from 1 to 65535");
  }
  return static_cast<uint16_t>(port);
}

Result<HostPort> parse_host_port(std::string_view text) {
  HostPort result;
  std::string_view port_text;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return Error(quote_input(text) + " has an unclosed '['");
    std::string_view inside = text.substr(1, close - 1);
    auto address = parse_address(inside);
    if (!address.ok() || inside.find(':') == std::string_view::npos) {
      return Error(quote_input(inside) + " in brackets is not an IPv6 address");
    }
    result.host = std::string(inside);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Error("unexpected text after ']' in " + quote_input(text));
      port_text = rest.substr(1);
      has_port = true;
    }
  } else if (std::count(text.begin(), text.end(), ':') >= 2) {
    // A bare IPv6 literal: without brackets no port can follow it.
    auto address = parse_address(text);
    if (!address.ok()) return Error(quote_input(text) + " is not a host (IPv6 with a port needs brackets)");
    result.host = std::string(text);
  } else {
    const size_t colon = text.find(':');
    result.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = text.substr(colon + 1);
      has_port = true;
    }
    if (!std::all_of(result.host.begin(), result.host.end(), host_name_char)) {
      return Error("host " + quote_input(result.host) + " has characters a host name cannot have");
    }
  }
  if (result.host.empty()) return Error("no host in " + quote_input(text));
  if (has_port) {
    auto port = parse_port(port_text);
    if (!port.ok()) return std::move(port).take_error();
    result.port = *port;
  }
  return result;
}

std::string bracketed(std::string_view host) {
  if (host.find(':') != std::string_view::npos && !host.starts_with('[')) return "[" + std::string(host) + "]";
  return std::string(host);
}

std::string host_port_text(std::string_view host, uint16_t port) { return bracketed(host) + ":" + std::to_string(port); }

std::string address_text(const ip::address& address) { return normalize(address).to_string(); }

std::string endpoint_text(const ip::address& address, uint16_t port) {
  return host_port_text(address_text(address), port);
}

std::string endpoint_text(const ip::tcp::endpoint& endpoint) { return endpoint_text(endpoint.address(), endpoint.port()); }

bool AddressRange::contains(const ip::address& candidate) const {
  const auto address = normalize(candidate);
  if (address.is_v4() != network.is_v4()) return false;
  auto same_prefix = [this](const auto& a, const auto& b) {
    unsigned bits = prefix_length;
    for (size_t i = 0; i < a.size() && bits > 0; ++i) {
      const unsigned take = std::min(bits, 8u);
      const auto mask = static_cast<unsigned char>(0xff << (8 - take));
      if ((a[i] & mask) != (b[i] & mask)) return false;
      bits -= take;
    }
    return true;
  };
  if (address.is_v4()) return same_prefix(address.to_v4().to_bytes(), network.to_v4().to_bytes());
  return same_prefix(address.to_v6().to_bytes(), network.to_v6().to_bytes());
}

std::string AddressRange::to_string() const { return network.to_string() + "/" + std::to_string(prefix_length); }

Result<AddressRange> parse_address_range(std::string_view text) {
  auto refuse = [&] {
    return Error(quote_input(text) + " is not an IP address or CIDR range (like 10.0.0.0/8 or fd00::/8)");
  };
  const size_t slash = text.find('/');
  auto address = parse_address(text.substr(0, slash));
  if (!address.ok()) return refuse();
  const unsigned max_length = address->is_v4() ? 32 : 128;
  AddressRange range{*address, max_length};
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    unsigned length = 0;
    auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || status != std::errc() || end != digits.data() + digits.size() || length > max_length) {
      return refuse();
    }
    range.prefix_length = length;
  }
  return range;
}

Result<std::vector<AddressRange>> parse_address_ranges(std::string_view list) {
  std::vector<AddressRange> ranges;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;  // "a,,b" and a trailing comma are harmless
    auto range = parse_address_range(entry);
    if (!range.ok()) return std::move(range).take_error();
    ranges.push_back(*range);
  }
  if (ranges.empty()) return Error("the address list is empty");
  return ranges;
}

bool any_contains(const std::vector<AddressRange>& ranges, const ip::address& address) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const AddressRange& range) { return range.contains(address); });
}

}  // namespace mmids::net
