#pragma once
// lookup-server: which nodes may call the lookup routes. Two locks, each optional:
//   - networks: the request's source address (after trusted proxies) must be in
//     publisher_networks for /publisher_lookup, watcher_networks for /watcher_lookup,
//     either for /node_report (an empty list lets every address in) -> else 403;
//   - shared_secret: the request must carry a valid, fresh, unreplayed signature
//     (mmids-core/signing/request_signature.hpp) -> else 401.
// So an outsider cannot move a stream with a forged /publisher_lookup.
#include "lookup-server/config.hpp"
#include "mmids-core/http/message.hpp"
#include "mmids-core/signing/request_signature.hpp"

#include <optional>
#include <string>

namespace mmids::lookup {

enum class NodeRoute { publisher, watcher, report };

struct NodeRefusal {
  unsigned status = 401;  // 401 signature, 403 network
  std::string reason;     // refusal metric label: unsigned, bad_signature, stale, replayed, network
  std::string message;    // for the log and the JSON error
};

class NodeGuard {
 public:
  explicit NodeGuard(const LookupConfig& config);
  // nullopt: let it through. Not thread-safe (the replay memory): io thread only.
  [[nodiscard]] std::optional<NodeRefusal> check(const http::Request& request,
                                                 const boost::asio::ip::address& source, NodeRoute route);
  [[nodiscard]] bool signatures_required() const { return !secret_.empty(); }

 private:
  [[nodiscard]] bool network_allows(const boost::asio::ip::address& source, NodeRoute route) const;

  std::vector<net::AddressRange> publisher_networks_;
  std::vector<net::AddressRange> watcher_networks_;
  std::string secret_;
  signing::ReplayGuard replays_;
};

}  // namespace mmids::lookup
