#pragma once
// lookup-server: who may publish or watch a stream. The node forwards what its client
// sent (the lookup body's "client_address" and "query", i.e. `?token=...` of the RTMP
// URL); one ClientAuthoriser per direction ([publishers], [viewers] in lookup.toml)
// decides. A refusal becomes 404 to the node, which refuses its client with
// NetStream.Publish.BadName / NetStream.Play.StreamNotFound.
//
//   open      everyone (the default)
//   key_file  the query's `key` equals the stream's secret in the key file
//   token     the query's `token` is a signed, unexpired token for the stream
//   endpoint  the operator's HTTP endpoint answers 2xx (answers cached briefly)
#include "lookup-server/config.hpp"
#include "mmids-core/common/asio.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mmids::lookup {

struct AuthQuery {
  std::string action;          // "publish" or "watch"
  std::string stream_name;     // valid
  std::string client_address;  // as the node sent it; may be ""
  std::string query;           // raw URL query; may be ""
  std::string node;            // the asking node's address
};

struct AuthDecision {
  bool allowed = false;
  std::string reason;  // why not (for the log; never sent to the node)
};
using AuthCallback = std::function<void(AuthDecision)>;

class ClientAuthoriser {
 public:
  virtual ~ClientAuthoriser() = default;
  // Calls done exactly once on the io thread, possibly before returning.
  virtual void authorise(const AuthQuery& query, AuthCallback done) = 0;
  [[nodiscard]] virtual std::string_view mode() const = 0;
};

// The query parameter names the credentials are read from.
inline constexpr std::string_view kKeyParameter = "key";
inline constexpr std::string_view kTokenParameter = "token";

// Throws ConfigError when a key file cannot be loaded.
std::shared_ptr<ClientAuthoriser> make_client_authoriser(boost::asio::io_context& io, const ClientAuthConfig& config);

}  // namespace mmids::lookup
