#include "mmids-core/rtmp/server/ip_rules.hpp"

#include <charconv>
#include <stdexcept>

namespace mmids::rtmp {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<IpRules::Range> IpRules::parse(std::string_view list) {
  std::vector<Range> ranges;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;

    std::string_view address_text = entry;
    unsigned prefix = 32;
    if (const size_t slash = entry.find('/'); slash != std::string_view::npos) {
      address_text = entry.substr(0, slash);
      std::string_view prefix_text = entry.substr(slash + 1);
      auto [end, error] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
      if (error != std::errc() || end != prefix_text.data() + prefix_text.size() || prefix > 32) {
        throw std::invalid_argument("'" + std::string(entry) + "' has a bad prefix length (expected /0 to /32)");
      }
    }
    boost::system::error_code error;
    auto address = boost::asio::ip::make_address_v4(std::string(address_text), error);
    if (error) throw std::invalid_argument("'" + std::string(entry) + "' is not an IPv4 address or CIDR range");
    const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    ranges.push_back(Range{address.to_uint() & mask, mask});
  }
  if (ranges.empty()) throw std::invalid_argument("the address list is empty");
  return ranges;
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

bool IpRules::matches(const boost::asio::ip::address& peer) const {
  boost::asio::ip::address_v4 v4;
  if (peer.is_v4()) {
    v4 = peer.to_v4();
  } else if (peer.is_v6() && peer.to_v6().is_v4_mapped()) {
    v4 = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, peer.to_v6());
  } else {
    return false;  // IPv6 peers match no IPv4 rule
  }
  const uint32_t value = v4.to_uint();
  for (const auto& range : ranges_)
    if ((value & range.mask) == range.network) return true;
  return false;
}

bool IpRules::permits(const boost::asio::ip::address& peer) const {
  switch (mode_) {
    case Mode::AllowAll: return true;
    case Mode::AllowListed: return matches(peer);
    case Mode::DenyListed: return !matches(peer);
  }
  return false;
}

}  // namespace mmids::rtmp
