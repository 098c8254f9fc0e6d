#include "lookup-server/node_guard.hpp"

namespace mmids::lookup {

NodeGuard::NodeGuard(const LookupConfig& config)
    : publisher_networks_(config.publisher_networks), watcher_networks_(config.watcher_networks),
      secret_(config.shared_secret) {}

bool NodeGuard::network_allows(const boost::asio::ip::address& source, NodeRoute route) const {
  auto in = [&](const std::vector<net::AddressRange>& ranges) {
    return ranges.empty() || net::any_contains(ranges, source);
  };
  switch (route) {
    case NodeRoute::publisher: return in(publisher_networks_);
    case NodeRoute::watcher: return in(watcher_networks_);
    case NodeRoute::report: return in(publisher_networks_) || in(watcher_networks_);
  }
  return false;
}

std::optional<NodeRefusal> NodeGuard::check(const http::Request& request, const boost::asio::ip::address& source,
                                            NodeRoute route) {
  if (!network_allows(source, route)) {
    return NodeRefusal{403, "network", "source address " + source.to_string() + " is not in the node networks"};
  }
  if (secret_.empty()) return std::nullopt;
  auto verdict = signing::verify_request(
      secret_, request.header(signing::kTimestampHeader), request.header(signing::kNonceHeader),
      request.header(signing::kSignatureHeader), {request.method, request.path, request.body}, signing::unix_now());
  if (!verdict.ok) return NodeRefusal{401, std::string(signing::refusal_label(verdict.refusal)), verdict.reason};
  if (!replays_.first_use(verdict.nonce, signing::unix_now())) {
    return NodeRefusal{401, std::string(signing::refusal_label(signing::Refusal::replayed)),
                       "request was already seen (replayed nonce)"};
  }
  return std::nullopt;
}

}  // namespace mmids::lookup
