#include "mmids-core/endpoint/ip_rules.hpp"

#include <stdexcept>

namespace mmids::endpoint {
std::vector<net::AddressRange> IpRules::parse(std::string_view list) {
  auto ranges = net::parse_address_ranges(list);
  if (!ranges.ok()) throw std::invalid_argument(ranges.error());
  return std::move(ranges).value();
}

IpRules IpRules::allow(std::string_view list) {
  IpRules rules;
  rules.mode_ = Mode::AllowListed;
  rules.ranges_ = parse(list);
  return rules;
}

IpRules IpRules::deny(std::string_view list) {
  IpRules rules;
  rules.mode_ = Mode::DenyListed;
  rules.ranges_ = parse(list);
  return rules;
}

IpRules IpRules::from_arguments(const std::optional<std::string>& allow_ips,
                                const std::optional<std::string>& deny_ips) {
  if (allow_ips && deny_ips) throw std::invalid_argument("give allow_ips or deny_ips, not both");
  if (allow_ips) return allow(*allow_ips);
  if (deny_ips) return deny(*deny_ips);
  return IpRules();
}

bool IpRules::permits(const boost::asio::ip::address& peer) const {
  switch (mode_) {
    case Mode::AllowAll: return true;
    case Mode::AllowListed: return net::any_contains(ranges_, peer);
    case Mode::DenyListed: return !net::any_contains(ranges_, peer);
  }
  return false;
}

}  // namespace mmids::endpoint
