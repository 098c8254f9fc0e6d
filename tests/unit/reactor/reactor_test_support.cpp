#include "tests/unit/reactor/reactor_test_support.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mmids::reactor::testing {

bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done() && Clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_for(5ms);
  }
  return done();
}

void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  const auto deadline = Clock::now() + duration;
  while (Clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_for(std::min<std::chrono::nanoseconds>(5ms, deadline - Clock::now()));
  }
}

LookupServer::LookupServer(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls) : tls_(tls != nullptr) {
  http::Router router;
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    router.add_prefix(method, "/", [this](const http::Request& request, http::Responder respond) {
      handle(request, std::move(respond));
    });
  }
  http::ServerOptions options;
  options.address = "127.0.0.1";
  options.tls = std::move(tls);
  server_ = std::make_unique<http::Server>(io, std::move(router), options);
  server_->start();
}

LookupServer::~LookupServer() {
  server_->stop();
  server_.reset();
  hung_.clear();
}

std::string LookupServer::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(server_->port()) + path;
}

void LookupServer::queue(std::vector<ScriptedAnswer> answers) {
  queued_.insert(queued_.end(), answers.begin(), answers.end());
}

void LookupServer::answer_for(const std::string& stream_name, ScriptedAnswer answer) {
  per_stream_[stream_name] = std::move(answer);
}

std::size_t LookupServer::count_for(const std::string& stream_name) const {
  std::size_t count = 0;
  for (const auto& request : requests_) count += request.stream_name == stream_name ? 1 : 0;
  return count;
}

std::size_t LookupServer::count_on(const std::string& path) const {
  std::size_t count = 0;
  for (const auto& request : requests_) count += request.path == path ? 1 : 0;
  return count;
}

void LookupServer::handle(const http::Request& request, http::Responder respond) {
  RecordedRequest recorded{request.method, request.path, request.header("Content-Type"), request.body, "",
                           request.peer_address.to_string(), Clock::now()};
  auto json = nlohmann::json::parse(request.body, nullptr, false);
  if (json.is_object() && json.contains("stream_name") && json["stream_name"].is_string())
    recorded.stream_name = json["stream_name"].get<std::string>();
  requests_.push_back(recorded);

  ScriptedAnswer answer = fallback_;
  if (!queued_.empty()) {
    answer = queued_.front();
    queued_.erase(queued_.begin());
  } else if (auto it = per_stream_.find(recorded.stream_name); it != per_stream_.end()) {
    answer = it->second;
  }
  if (answer.hang) {
    hung_.push_back(std::move(respond));
    return;
  }
  http::Response response;
  response.status = answer.status;
  response.content_type = "text/plain";
  response.body = answer.body;
  respond(std::move(response));
}

namespace {

void run_openssl(const std::string& dir, const std::string& arguments) {
  const std::string command = "cd '" + dir + "' && openssl " + arguments + " >>openssl.log 2>&1";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl failed: " + arguments);
}

}  // namespace

TestCertificates::TestCertificates() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mmids-reactor-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir = pattern;
  ca_file = dir + "/ca.pem";
  cert_file = dir + "/server.pem";
  key_file = dir + "/server.key";
  std::ofstream(dir + "/openssl.cnf") << "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n"
                                         "[ca_ext]\nbasicConstraints = critical, CA:TRUE\n"
                                         "keyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n"
                                         "[server_ext]\nbasicConstraints = CA:FALSE\n"
                                         "keyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n"
                                         "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
                                         "authorityKeyIdentifier = keyid\n";
  const std::string ec_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  run_openssl(dir, "req -config openssl.cnf -x509 " + ec_key +
                       " -keyout ca.key -out ca.pem -days 2 -subj '/CN=mmids reactor test CA' -extensions ca_ext");
  run_openssl(dir, "req -config openssl.cnf -new " + ec_key + " -keyout server.key -out server.csr -subj /CN=localhost");
  // The server sends its certificate only; the client must know the CA (ca_file).
  run_openssl(dir, "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
                   "-extfile openssl.cnf -extensions server_ext");
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

std::string workflow_text(const std::string& name, const std::string& step_name, bool routed) {
  return "workflow " + name + (routed ? " routed_by_reactor" : "") + " {\n    test_source name=" + step_name + "\n}\n";
}

}  // namespace mmids::reactor::testing
