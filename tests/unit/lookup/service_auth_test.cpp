// lookup-server: node authentication (networks, signed requests) and publisher/viewer
// authorisation (key file, tokens, an operator's endpoint), through the routes.
#include "lookup-server/key_file_auth.hpp"
#include "mmids-core/http/server.hpp"
#include "mmids-core/signing/request_signature.hpp"
#include "mmids-core/signing/stream_token.hpp"
#include "tests/unit/lookup/service_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace mmids;
using namespace mmids::lookup;
using mmids::lookup::testing::Fixture;

namespace {

std::string body_of(const std::string& stream, const std::string& query = {}) {
  nlohmann::json body = {{"stream_name", stream}, {"client_address", "198.51.100.20"}};
  if (!query.empty()) body["query"] = query;
  return body.dump();
}

http::Response signed_call(Fixture& f, const std::string& secret, const std::string& method, const std::string& path,
                           const std::string& body, const std::string& peer = "10.0.0.1", int64_t skew = 0) {
  auto headers = signing::sign_request(secret, {method, path, body}, signing::unix_now() + skew);
  return f.call(method, path, body, peer, {}, headers);
}

std::string temp_file(const std::string& text) {
  static int counter = 0;
  auto path = (std::filesystem::temp_directory_path() /
               ("mmids-auth-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                  .string();
  std::ofstream(path) << text;
  return path;
}

// The operator's auth endpoint: records what it is asked, refuses the stream "banned".
struct AuthEndpoint {
  explicit AuthEndpoint(boost::asio::io_context& io) {
    http::Router router;
    router.add("POST", "/check", [this](const http::Request& request, http::Responder respond) {
      auto body = nlohmann::json::parse(request.body);
      asked.push_back(body);
      respond(http::Response::text(body["stream_name"] == "banned" ? 403 : 200, ""));
    });
    server = std::make_unique<http::Server>(io, std::move(router), http::ServerOptions{});
    server->start();
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()) + "/check"; }
  [[nodiscard]] std::size_t count_for(const std::string& stream) const {
    return static_cast<std::size_t>(std::count_if(asked.begin(), asked.end(), [&](const auto& b) { return b["stream_name"] == stream; }));
  }
  std::vector<nlohmann::json> asked;
  std::unique_ptr<http::Server> server;
};

}  // namespace

TEST_CASE("lookup: node networks refuse lookups from other addresses with 403", "[lookup]") {
  LookupConfig config;
  config.publisher_networks = *net::parse_address_ranges("10.0.0.0/24");
  config.watcher_networks = *net::parse_address_ranges("10.0.9.0/24");
  Fixture f(config);
  CHECK(f.publish("cam1", "10.0.0.7").status == 200);
  auto outsider = f.publish("cam1", "192.0.2.66");
  CHECK(outsider.status == 403);
  CHECK_THAT(outsider.body, Catch::Contains("not in the node networks"));
  CHECK(f.watch("cam1", "10.0.9.9").body.find("rtmp://10.0.0.7/") != std::string::npos);  // not moved
  CHECK(f.watch("cam1", "10.0.0.7").status == 403);  // an ingestion node is not a playback node
  CHECK_THAT(f.metrics(), Catch::Contains("mmids_lookup_refusals_total{reason=\"network\",route=\"publisher_lookup\"} 1"));
}

TEST_CASE("lookup: with a shared secret only signed, fresh, unreplayed requests are believed", "[lookup]") {
  LookupConfig config;
  config.shared_secret = "cluster-secret";
  Fixture f(config);
  const auto body = body_of("cam1");

  CHECK(signed_call(f, "cluster-secret", "POST", "/publisher_lookup", body).status == 200);
  // An outsider's unsigned or wrongly signed request cannot move the stream.
  auto unsigned_request = f.call("POST", "/publisher_lookup", body, "192.0.2.66");
  CHECK(unsigned_request.status == 401);
  CHECK_THAT(unsigned_request.body, Catch::Contains("not signed"));
  CHECK(signed_call(f, "guessed", "POST", "/publisher_lookup", body, "192.0.2.66").status == 401);
  CHECK(signed_call(f, "cluster-secret", "POST", "/publisher_lookup", body, "192.0.2.66", -120).status == 401);
  auto answer = signed_call(f, "cluster-secret", "POST", "/watcher_lookup", body, "10.0.9.9");
  CHECK(answer.status == 200);
  CHECK_THAT(answer.body, Catch::Contains("rtmp://10.0.0.1/pull_source/cam1 "));

  // The same signed request twice: the second is a replay.
  auto headers = signing::sign_request("cluster-secret", {"POST", "/publisher_lookup", body}, signing::unix_now());
  CHECK(f.call("POST", "/publisher_lookup", body, "10.0.0.1", {}, headers).status == 200);
  CHECK(f.call("POST", "/publisher_lookup", body, "192.0.2.66", {}, headers).status == 401);

  // Reads stay open: they change nothing.
  CHECK(f.call("GET", "/streams").status == 200);
  auto metrics = f.metrics();
  CHECK_THAT(metrics, Catch::Contains("mmids_lookup_refusals_total{reason=\"unsigned\",route=\"publisher_lookup\"} 1"));
  CHECK_THAT(metrics, Catch::Contains("mmids_lookup_refusals_total{reason=\"bad_signature\",route=\"publisher_lookup\"} 1"));
  CHECK_THAT(metrics, Catch::Contains("mmids_lookup_refusals_total{reason=\"stale\",route=\"publisher_lookup\"} 1"));
  CHECK_THAT(metrics, Catch::Contains("mmids_lookup_refusals_total{reason=\"replayed\",route=\"publisher_lookup\"} 1"));
}

TEST_CASE("lookup: token authorisation lets only publishers with a valid token in", "[lookup]") {
  LookupConfig config;
  config.publishers.mode = ClientAuthConfig::Mode::token;
  config.publishers.token_secret = "token-secret";
  Fixture f(config);
  auto token = signing::mint_stream_token("token-secret", "cam1", signing::unix_now() + 60);
  CHECK(f.call("POST", "/publisher_lookup", body_of("cam1", "token=" + token + "&x=1")).status == 200);
  CHECK(f.call("POST", "/publisher_lookup", body_of("cam1")).status == 404);
  CHECK(f.call("POST", "/publisher_lookup", body_of("cam2", "token=" + token)).status == 404);
  auto expired = signing::mint_stream_token("token-secret", "cam1", signing::unix_now() - 1);
  auto refused = f.call("POST", "/publisher_lookup", body_of("cam1", "token=" + expired));
  CHECK(refused.status == 404);
  CHECK_THAT(refused.body, Catch::Contains("not authorised to publish"));
  // Viewers stay open unless [viewers] says otherwise.
  CHECK(f.watch("cam1").status == 200);
  CHECK_THAT(f.metrics(), Catch::Contains("mmids_lookup_refusals_total{reason=\"unauthorised\",route=\"publisher_lookup\"} 3"));

  // The node's heartbeat for the publisher it already carries is not asked about again:
  // the token the publisher connected with may expire while it publishes.
  nlohmann::json heartbeat = nlohmann::json::parse(body_of("cam1", "token=" + expired));
  heartbeat["refresh"] = true;
  CHECK(f.call("POST", "/publisher_lookup", heartbeat.dump()).status == 200);
}

TEST_CASE("lookup: key file authorisation compares the key and follows edits of the file", "[lookup]") {
  auto path = temp_file("# stream secret\ncam1 one-secret\n");
  LookupConfig config;
  config.viewers.mode = ClientAuthConfig::Mode::key_file;
  config.viewers.key_file = path;
  Fixture f(config);
  f.publish("cam1");
  f.publish("cam2");
  CHECK(f.call("POST", "/watcher_lookup", body_of("cam1", "key=one-secret"), "10.0.9.9").status == 200);
  CHECK(f.call("POST", "/watcher_lookup", body_of("cam1", "key=wrong"), "10.0.9.9").status == 404);
  CHECK(f.call("POST", "/watcher_lookup", body_of("cam2", "key=one-secret"), "10.0.9.9").status == 404);

  std::ofstream(path, std::ios::trunc) << "cam2 two%secret\n";
  std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) + std::chrono::seconds(5));
  // The file is looked at again at most once a second.
  bool reloaded = false;
  for (int i = 0; i < 30 && !reloaded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    reloaded = f.call("POST", "/watcher_lookup", body_of("cam2", "key=two%25secret"), "10.0.9.9").status == 200;
  }
  CHECK(reloaded);
  CHECK(f.call("POST", "/watcher_lookup", body_of("cam1", "key=one-secret"), "10.0.9.9").status == 404);
  std::remove(path.c_str());

  CHECK_THROWS_AS(Fixture([] {
    LookupConfig broken;
    broken.publishers.mode = ClientAuthConfig::Mode::key_file;
    broken.publishers.key_file = "/nonexistent/keys.txt";
    return broken;
  }()), ConfigError);
  CHECK_THAT(parse_key_file("cam1\n", "k.txt").error(), Catch::Contains("k.txt:1: expected 'stream_name secret'"));
  CHECK_THAT(parse_key_file("a}b s\n", "k.txt").error(), Catch::Contains("stream name"));
  CHECK_THAT(parse_key_file("a s\na t\n", "k.txt").error(), Catch::Contains("k.txt:2: stream listed twice"));
}

TEST_CASE("lookup: endpoint authorisation asks the operator's endpoint and caches its answer", "[lookup]") {
  AuthEndpoint* endpoint = nullptr;
  Fixture f([&](boost::asio::io_context& io, std::vector<std::shared_ptr<void>>& keep) {
    auto server = std::make_shared<AuthEndpoint>(io);
    endpoint = server.get();
    keep.push_back(server);
    LookupConfig config;
    config.publishers.mode = ClientAuthConfig::Mode::endpoint;
    config.publishers.endpoint = server->url();
    config.publishers.cache = std::chrono::seconds(30);
    return config;
  });
  CHECK(f.call("POST", "/publisher_lookup", body_of("cam1", "token=abc")).status == 200);
  CHECK(f.call("POST", "/publisher_lookup", body_of("cam1", "token=abc")).status == 200);
  CHECK(endpoint->count_for("cam1") == 1);  // the second answer came from the cache
  CHECK(f.call("POST", "/publisher_lookup", body_of("cam1", "token=other")).status == 200);
  CHECK(endpoint->count_for("cam1") == 2);  // another credential is asked about again
  CHECK(f.call("POST", "/publisher_lookup", body_of("banned")).status == 404);
  CHECK(f.call("POST", "/publisher_lookup", body_of("banned")).status == 404);
  CHECK(endpoint->count_for("banned") == 1);

  // What the endpoint is told.
  const auto& sent = endpoint->asked.front();
  CHECK(sent["action"] == "publish");
  CHECK(sent["stream_name"] == "cam1");
  CHECK(sent["client_address"] == "198.51.100.20");
  CHECK(sent["query"] == "token=abc");
  CHECK(sent["node"] == "10.0.0.1");
}

TEST_CASE("lookup: an auth endpoint that cannot be reached refuses", "[lookup]") {
  LookupConfig config;
  config.viewers.mode = ClientAuthConfig::Mode::endpoint;
  config.viewers.endpoint = "http://127.0.0.1:9/check";  // discard port: nothing listens
  Fixture f(config);
  f.publish("cam1");
  CHECK(f.watch("cam1").status == 404);
}
