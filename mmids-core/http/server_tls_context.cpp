#include "mmids-core/http/server.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/error.hpp>

#include <stdexcept>

namespace mmids::http {

namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;

std::shared_ptr<ssl::context> make_server_tls_context(const std::string& cert_file,
                                                      const std::string& key_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) throw std::runtime_error("cannot load TLS certificate " + cert_file + ": " + ec.message());
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load TLS key " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    throw std::runtime_error("TLS key " + key_file + " does not match certificate " + cert_file);
  }
  return context;
}

}  // namespace mmids::http
