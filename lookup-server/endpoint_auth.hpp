#pragma once
// lookup-server: publishers (or viewers) authorised by the operator's own HTTP endpoint.
// Each lookup POSTs
//   {"action": "publish"|"watch", "stream_name", "client_address", "query", "node"}
// to the endpoint (2 s timeout): a 2xx answer allows, any other status refuses. Answers
// are cached per (action, stream, query) for cache_seconds, so a busy stream costs the
// endpoint one call per interval. An endpoint that cannot be reached refuses (and that
// is not cached): the lookup server fails closed.
#include "lookup-server/client_auth.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

namespace mmids::lookup {

class EndpointAuthoriser : public ClientAuthoriser, public std::enable_shared_from_this<EndpointAuthoriser> {
 public:
  static constexpr std::chrono::milliseconds kTimeout{2000};
  static constexpr std::size_t kMaxCachedAnswers = 10000;

  EndpointAuthoriser(boost::asio::io_context& io, const ClientAuthConfig& config);
  void authorise(const AuthQuery& query, AuthCallback done) override;
  [[nodiscard]] std::string_view mode() const override { return "endpoint"; }
  [[nodiscard]] std::size_t cached() const { return cache_.size(); }

 private:
  struct Cached {
    AuthDecision decision;
    std::chrono::steady_clock::time_point until;
  };
  void remember(const std::string& key, const AuthDecision& decision);

  boost::asio::io_context& io_;
  std::string url_;
  std::string ca_file_;
  std::chrono::seconds cache_for_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace mmids::lookup
