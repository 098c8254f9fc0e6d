#pragma once
// IpRules: the allow_ips / deny_ips arguments of rtmp_receive and rtmp_watch. A comma
// list of IPv4 addresses and CIDR ranges; with allow, only matching peers get in; with
// deny, matching peers are refused. Both at once is an error (as in mmids).
#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::rtmp {

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
  struct Range {
    uint32_t network = 0;
    uint32_t mask = 0;
  };
  static std::vector<Range> parse(std::string_view list);
  [[nodiscard]] bool matches(const boost::asio::ip::address& peer) const;

  Mode mode_ = Mode::AllowAll;
  std::vector<Range> ranges_;
};

}  // namespace mmids::rtmp
