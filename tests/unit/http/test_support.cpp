#include "test_support.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace mmids::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

TestServer::TestServer(Router router, ServerOptions options)
    : tls_(options.tls != nullptr), address_(options.address) {
  server_ = std::make_unique<Server>(io_, std::move(router), std::move(options));
  server_->start();
  port_ = server_->port();
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
}

TestServer::~TestServer() {
  on_io([this] {
    server_->stop();
    return 0;
  });
  io_.stop();
  thread_.join();
  server_.reset();
}

std::string TestServer::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://" + address_ + ":" + std::to_string(port_) + path;
}

RawClient::RawClient(uint16_t port, const std::string& address) : socket_(io_) {
  socket_.connect(tcp::endpoint(asio::ip::make_address(address), port));
}

void RawClient::send(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

std::optional<beast::http::response<beast::http::string_body>> RawClient::read_response(
    std::chrono::milliseconds timeout) {
  beast::http::response<beast::http::string_body> response;
  std::optional<beast::error_code> result;
  beast::http::async_read(socket_, buffer_, response,
                          [&](beast::error_code ec, std::size_t) { result = ec; });
  io_.restart();
  io_.run_for(timeout);
  if (!result) {
    socket_.cancel();
    io_.restart();
    io_.run();
    return std::nullopt;
  }
  if (*result) return std::nullopt;
  return response;
}

std::string RawClient::read_available(std::chrono::milliseconds timeout) {
  std::string out;
  std::array<char, 4096> scratch{};
  std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code ec, std::size_t n) {
    out.append(scratch.data(), n);
    if (!ec) socket_.async_read_some(asio::buffer(scratch), on_read);
  };
  socket_.async_read_some(asio::buffer(scratch), on_read);
  io_.restart();
  io_.run_for(timeout);
  socket_.cancel();
  io_.restart();
  io_.run();
  return out;
}

bool RawClient::closed_within(std::chrono::milliseconds timeout) {
  std::array<char, 1024> scratch{};
  std::optional<beast::error_code> result;
  std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code ec, std::size_t) {
    if (ec) {
      result = ec;
      return;
    }
    socket_.async_read_some(asio::buffer(scratch), on_read);  // discard whatever still comes
  };
  socket_.async_read_some(asio::buffer(scratch), on_read);
  io_.restart();
  io_.run_for(timeout);
  if (!result) {
    socket_.cancel();
    io_.restart();
    io_.run();
    return false;
  }
  return *result != asio::error::operation_aborted;
}

namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  if (!key) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (!extension) throw std::runtime_error("bad certificate extension");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

CertPtr make_cert(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key, bool ca, long serial) {
  CertPtr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  if (!X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256())) throw std::runtime_error("X509_sign failed");
  return cert;
}

void write_pem(const std::string& path, const std::vector<X509*>& certs, EVP_PKEY* key) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw std::runtime_error("cannot write " + path);
  for (X509* cert : certs) PEM_write_X509(file, cert);
  if (key) PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(file);
}

}  // namespace

TestPki::TestPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mmids-http-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir = pattern;
  ca_file = dir + "/ca.pem";
  cert_file = dir + "/server.pem";
  key_file = dir + "/server.key";
  self_signed_cert_file = dir + "/self.pem";
  self_signed_key_file = dir + "/self.key";

  auto ca_key = new_key();
  auto ca = make_cert(ca_key.get(), "mmids test CA", nullptr, nullptr, true, 1);
  auto server_key = new_key();
  auto server = make_cert(server_key.get(), "localhost", ca.get(), ca_key.get(), false, 2);
  write_pem(ca_file, {ca.get()}, nullptr);
  write_pem(cert_file, {server.get(), ca.get()}, nullptr);
  write_pem(key_file, {}, server_key.get());

  auto self_key = new_key();
  auto self = make_cert(self_key.get(), "localhost", nullptr, nullptr, false, 3);
  write_pem(self_signed_cert_file, {self.get()}, nullptr);
  write_pem(self_signed_key_file, {}, self_key.get());
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

ClientResult get_sync(const std::string& url, ClientOptions options) {
  return request_sync(ClientRequest{"GET", url, {}, {}, {}}, std::move(options));
}

ClientResult post_sync(const std::string& url, std::string body, ClientOptions options) {
  return request_sync(ClientRequest{"POST", url, std::move(body), "application/json", {}}, std::move(options));
}

uint16_t unused_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace mmids::http::testing
