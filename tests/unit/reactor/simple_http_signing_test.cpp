// The simple_http executor's signatures against the real lookup service on loopback: both
// sides use mmids-core/signing, so a node with the cluster's secret is believed and one
// without it, or with another, is not.
#include "lookup-server/memory_store.hpp"
#include "lookup-server/service.hpp"
#include "mmids-core/http/server.hpp"
#include "mmids-core/signing/request_signature.hpp"
#include "reactor/reactor_manager.hpp"
#include "reactor/simple_http_executor.hpp"
#include "tests/unit/reactor/reactor_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

using namespace mmids;
using namespace mmids::reactor;
using namespace mmids::reactor::testing;

namespace {

struct SignedLookup {
  explicit SignedLookup(const std::string& secret) : service(io, config_with(secret), store()) {
    server = std::make_unique<http::Server>(io, service.router(), http::ServerOptions{});
    server->start();
  }
  static lookup::LookupConfig config_with(const std::string& secret) {
    lookup::LookupConfig config;
    config.shared_secret = secret;
    return config;
  }
  static std::shared_ptr<lookup::Store> store() { return std::make_shared<lookup::MemoryStore>(lookup::StoreTimes{}); }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server->port()) + path; }

  std::optional<ExecutorAnswer> ask(const std::string& path, const std::string& stream, const std::string& secret) {
    SimpleHttpOptions options;
    options.url = url(path);
    options.secret = secret;
    options.request_timeout = 2000ms;
    options.retry_delays = {20ms};
    SimpleHttpExecutor executor(io, "signed", options);
    std::optional<ExecutorAnswer> answer;
    executor.lookup(LookupRequest{stream}, [&](ExecutorAnswer a) { answer = std::move(a); });
    run_until(io, [&] { return answer.has_value(); }, 5000ms);
    return answer;
  }

  asio::io_context io;
  lookup::LookupService service;
  std::unique_ptr<http::Server> server;
};

}  // namespace

TEST_CASE("simple_http: a reactor with the cluster secret is believed by a lookup server that requires it", "[reactor]") {
  SignedLookup lookup("cluster-secret");
  auto published = lookup.ask("/publisher_lookup", "cam1", "cluster-secret");
  REQUIRE(published);
  CHECK(published->valid);
  auto watched = lookup.ask("/watcher_lookup", "cam1", "cluster-secret");
  REQUIRE(watched);
  CHECK(watched->valid);
  REQUIRE(watched->workflows.size() == 1);
  CHECK(watched->workflows[0].name == "ingest_cam1");
}

TEST_CASE("simple_http: a reactor without the secret, or with another, is refused", "[reactor]") {
  SignedLookup lookup("cluster-secret");
  for (const std::string& secret : {std::string(), std::string("wrong-secret")}) {
    INFO("secret '" << secret << "'");
    auto answer = lookup.ask("/publisher_lookup", "cam1", secret);
    REQUIRE(answer);
    CHECK_FALSE(answer->valid);  // 401 is a failure: retried, then invalid
  }
  CHECK(lookup.ask("/watcher_lookup", "cam1", "cluster-secret")->valid == false);  // nothing was recorded
}

TEST_CASE("simple_http: signature headers cover the URL's path, not its query", "[reactor]") {
  auto headers = signature_headers("k", "POST", "http://lookup.internal:8080/publisher_lookup?region=eu", "{}");
  REQUIRE(headers.size() == 3);
  std::map<std::string, std::string> by_name(headers.begin(), headers.end());
  auto verdict = signing::verify_request("k", by_name["X-Mmids-Timestamp"], by_name["X-Mmids-Nonce"],
                                         by_name["X-Mmids-Signature"], {"POST", "/publisher_lookup", "{}"},
                                         signing::unix_now());
  CHECK(verdict.ok);
  CHECK(signature_headers("", "POST", "http://x/y", "{}").empty());
}

TEST_CASE("reactor manager: secret and secret_file make the reactor sign; errors name the reactor", "[reactor]") {
  SignedLookup lookup("file-secret");
  WorkflowFixture workflows(lookup.io);
  settings::NodeSettings settings;
  ReactorManager manager(lookup.io, workflows.manager, settings);
  auto path = (std::filesystem::temp_directory_path() / ("mmids-reactor-secret-" + std::to_string(::getpid()))).string();
  std::ofstream(path) << "file-secret\n";  // the trailing newline is not part of the secret

  auto reactor = [&](std::map<std::string, std::string> children) {
    config::ReactorDefinition definition;
    definition.name = "publishers";
    definition.executor = "simple_http";
    definition.parameters = std::move(children);
    definition.parameters["url"] = lookup.url("/publisher_lookup");
    return definition;
  };
  auto error_of = [&](std::map<std::string, std::string> children) {
    try {
      manager.configure({reactor(std::move(children))});
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(error_of({{"secret", "a"}, {"secret_file", path}}), Catch::Contains("reactor 'publishers'") && Catch::Contains("not both"));
  CHECK_THAT(error_of({{"secret_file", "/no/such/secret"}}), Catch::Contains("reactor 'publishers'") && Catch::Contains("/no/such/secret"));
  CHECK_THAT(error_of({{"secret", ""}}), Catch::Contains("reactor 'publishers'") && Catch::Contains("empty"));

  REQUIRE(error_of({{"secret_file", path}}).empty());
  std::optional<ReactorVerdict> verdict;
  auto subscription = manager.find("publishers")->request(LookupRequest{"cam1"}, [&](const ReactorVerdict& v) { verdict = v; }, [] {});
  REQUIRE(run_until(lookup.io, [&] { return verdict.has_value(); }));
  CHECK(verdict->valid);
  std::remove(path.c_str());
}
