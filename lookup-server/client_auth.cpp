#include "lookup-server/client_auth.hpp"

#include "lookup-server/endpoint_auth.hpp"
#include "lookup-server/key_file_auth.hpp"
#include "lookup-server/stream_name.hpp"
#include "mmids-core/signing/request_signature.hpp"
#include "mmids-core/signing/stream_token.hpp"

namespace mmids::lookup {

namespace {

class OpenAuthoriser : public ClientAuthoriser {
 public:
  void authorise(const AuthQuery&, AuthCallback done) override { done({true, {}}); }
  [[nodiscard]] std::string_view mode() const override { return "open"; }
};

class TokenAuthoriser : public ClientAuthoriser {
 public:
  explicit TokenAuthoriser(std::string secret) : secret_(std::move(secret)) {}
  void authorise(const AuthQuery& query, AuthCallback done) override {
    auto token = query_parameter(query.query, kTokenParameter);
    if (!token || token->empty()) return done({false, "no token in the query"});
    auto checked = signing::check_stream_token(secret_, query.stream_name, *token, signing::unix_now());
    if (!checked.ok()) return done({false, checked.error()});
    done({true, {}});
  }
  [[nodiscard]] std::string_view mode() const override { return "token"; }

 private:
  std::string secret_;
};

}  // namespace

std::shared_ptr<ClientAuthoriser> make_client_authoriser(boost::asio::io_context& io, const ClientAuthConfig& config) {
  switch (config.mode) {
    case ClientAuthConfig::Mode::open: return std::make_shared<OpenAuthoriser>();
    case ClientAuthConfig::Mode::token: return std::make_shared<TokenAuthoriser>(config.token_secret);
    case ClientAuthConfig::Mode::key_file: {
      auto authoriser = std::make_shared<KeyFileAuthoriser>(config.key_file);
      if (auto loaded = authoriser->load(); !loaded.ok()) throw ConfigError(loaded.error());
      return authoriser;
    }
    case ClientAuthConfig::Mode::endpoint: return std::make_shared<EndpointAuthoriser>(io, config);
  }
  return std::make_shared<OpenAuthoriser>();
}

}  // namespace mmids::lookup
