#include "node/tls_context.hpp"

#include "mmids-core/http/server.hpp"

#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include <cstdio>
#include <stdexcept>

namespace mmids::node {
namespace {

std::string openssl_error() {
  char text[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::shared_ptr<boost::asio::ssl::context> load_pkcs12(const std::string& path, const std::string& password) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error("cannot open tls_cert_path '" + path + "'");
  PKCS12* bundle = d2i_PKCS12_fp(file, nullptr);
  std::fclose(file);
  if (!bundle) throw std::runtime_error("'" + path + "' is not a PKCS#12 file: " + openssl_error());
  EVP_PKEY* key = nullptr;
  X509* certificate = nullptr;
  STACK_OF(X509)* chain = nullptr;
  const int parsed = PKCS12_parse(bundle, password.c_str(), &key, &certificate, &chain);
  PKCS12_free(bundle);
  if (!parsed) throw std::runtime_error("cannot read '" + path + "' with the given tls_cert_password: " + openssl_error());

  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  context->set_options(boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                       boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
  SSL_CTX* native = context->native_handle();
  bool ok = SSL_CTX_use_certificate(native, certificate) == 1 && SSL_CTX_use_PrivateKey(native, key) == 1;
  for (int i = 0; ok && chain && i < sk_X509_num(chain); ++i) {
    ok = SSL_CTX_add1_chain_cert(native, sk_X509_value(chain, i)) == 1;
  }
  X509_free(certificate);
  EVP_PKEY_free(key);
  sk_X509_pop_free(chain, X509_free);
  if (!ok) throw std::runtime_error("cannot use the certificate in '" + path + "': " + openssl_error());
  return context;
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> make_rtmps_context(const settings::NodeSettings& settings) {
  if (settings.tls_cert_path.empty()) return nullptr;
  if (!settings.tls_key_path.empty()) return http::make_server_tls_context(settings.tls_cert_path, settings.tls_key_path);
  return load_pkcs12(settings.tls_cert_path, settings.tls_cert_password);
}

}  // namespace mmids::node
