#pragma once
// IpRules: the allow_ips / deny_ips arguments of rtmp_receive and rtmp_watch. A comma
// list of IPv4 (or IPv6) addresses and CIDR ranges; with allow, only matching peers get in;
// with deny, matching peers are refused. Both at once is an error (as in mmids).
// Step arguments: errors are exceptions, as every step factory reports them.
#include "mmids-core/net/address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::endpoint {

class IpRules {
 public:
  enum class Mode { AllowAll, AllowListed, DenyListed };

  // Parses "10.0.0.0/8,192.168.1.5". Throws std::invalid_argument naming the bad entry.
  static IpRules allow(std::string_view list);
  static IpRules deny(std::string_view list);
  // From the optional step arguments; throws std::invalid_argument when both are given.
  static IpRules from_arguments(const std::optional<std::string>& allow_ips,
                                const std::optional<std::string>& deny_ips);

  [[nodiscard]] bool permits(const boost::asio::ip::address& peer) const;
  [[nodiscard]] Mode mode() const { return mode_; }

 private:
  static std::vector<net::AddressRange> parse(std::string_view list);

  Mode mode_ = Mode::AllowAll;
  std::vector<net::AddressRange> ranges_;
};

}  // namespace mmids::endpoint
