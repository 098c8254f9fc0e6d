// The node's HTTP API over a real socket: each route, its status codes and JSON shapes.
#include "mmids-core/api/workflow_api.hpp"
#include "mmids-core/config/parser.hpp"
#include "tests/unit/support/test_steps.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <thread>

using namespace mmids;
namespace beast = boost::beast;

namespace {

struct Reply {
  unsigned status = 0;
  std::string content_type;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// A node's API on a free loopback port, run on its own io thread like the real node.
class ApiFixture {
 public:
  explicit ApiFixture(std::string token = {}) {
    mmids::testing::register_test_steps(registry_);
    auto parsed = config::parse_workflows(
        "workflow first {\n test_source name=a flag\n}\nworkflow second {\n test_pending name=b\n}\n", "fixture");
    REQUIRE(parsed.ok());
    for (auto& definition : parsed.config.workflows) manager_.upsert(definition);
    http::Router router;
    api::add_workflow_routes(router, manager_);
    if (!token.empty()) api::require_bearer_token(router, token);
    server_ = std::make_unique<http::Server>(io_, std::move(router), http::ServerOptions{});
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ApiFixture() {
    asio::post(io_, [this] {
      server_->stop();
      manager_.stop_all();
      work_.reset();
    });
    thread_.join();
  }

  Reply request(beast::http::verb verb, const std::string& target, const std::string& body = "",
                const std::string& content_type = "", const std::string& authorization = "") {
    asio::io_context client_io;
    beast::tcp_stream stream(client_io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    beast::http::request<beast::http::string_body> request{verb, target, 11};
    request.set(beast::http::field::host, "127.0.0.1");
    if (!content_type.empty()) request.set(beast::http::field::content_type, content_type);
    if (!authorization.empty()) request.set(beast::http::field::authorization, authorization);
    request.body() = body;
    request.prepare_payload();
    beast::http::write(stream, request);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    beast::http::read(stream, buffer, response);
    return Reply{response.result_int(), std::string(response[beast::http::field::content_type]), response.body()};
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  workflows::StepRegistry registry_;
  workflows::WorkflowManager manager_{io_, registry_};
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

using beast::http::verb;

}  // namespace

TEST_CASE("GET / answers the version", "[api]") {
  ApiFixture api;
  auto reply = api.request(verb::get, "/");
  CHECK(reply.status == 200);
  CHECK(reply.body == "Mmids version " MMIDS_VERSION);
}

TEST_CASE("GET /workflows lists the workflows by name", "[api]") {
  ApiFixture api;
  auto reply = api.request(verb::get, "/workflows");
  REQUIRE(reply.status == 200);
  CHECK(reply.content_type == "application/json");
  CHECK(reply.json() == nlohmann::json::parse(R"([{"name":"first"},{"name":"second"}])"));
}

TEST_CASE("GET /workflows/NAME shows status and steps, 404 when unknown", "[api]") {
  ApiFixture api;
  auto reply = api.request(verb::get, "/workflows/first");
  REQUIRE(reply.status == 200);
  auto body = reply.json();
  CHECK(body["status"] == "Running");
  REQUIRE(body["active_steps"].size() == 1);
  const auto& step = body["active_steps"][0];
  CHECK(step["step_type"] == "test_source");
  CHECK(step["parameters"]["name"] == "a");
  CHECK(step["parameters"]["flag"].is_null());
  CHECK(step["status"] == "Active");
  CHECK_FALSE(step["step_id"].get<std::string>().empty());
  CHECK(body["pending_steps"].empty());

  auto pending = api.request(verb::get, "/workflows/second").json();
  CHECK(pending["status"] == "Pending");
  CHECK(pending["pending_steps"].size() == 1);

  auto missing = api.request(verb::get, "/workflows/nope");
  CHECK(missing.status == 404);
  CHECK_THAT(missing.json()["error"].get<std::string>(), Catch::Contains("nope"));
}

TEST_CASE("PUT /workflows creates or updates a workflow from config syntax", "[api]") {
  ApiFixture api;
  auto created = api.request(verb::put, "/workflows", "workflow third {\n test_sink name=c\n}\n",
                             "application/vnd.mmids.workflow");
  CHECK(created.status == 200);
  CHECK(api.request(verb::get, "/workflows/third").json()["status"] == "Running");

  auto updated = api.request(verb::put, "/workflows", "workflow third {\n test_sink name=c\n test_sink name=d\n}\n");
  CHECK(updated.status == 200);
  CHECK(api.request(verb::get, "/workflows/third").json()["active_steps"].size() == 2);
}

TEST_CASE("PUT /workflows with bad input answers 400 naming line and problem", "[api]") {
  ApiFixture api;
  auto broken = api.request(verb::put, "/workflows", "workflow bad {\n test_sink name=\"c\n}\n");
  REQUIRE(broken.status == 400);
  auto body = broken.json();
  CHECK(body["line"] == 2);
  CHECK_FALSE(body["error"].get<std::string>().empty());

  auto two = api.request(verb::put, "/workflows", "workflow a {\n}\nworkflow b {\n}\n");
  CHECK(two.status == 400);
  CHECK_THAT(two.json()["error"].get<std::string>(), Catch::Contains("exactly one workflow"));

  auto wrong_type = api.request(verb::put, "/workflows", "workflow a {\n}\n", "application/json");
  CHECK(wrong_type.status == 415);
}

TEST_CASE("DELETE /workflows/NAME stops the workflow, 404 when unknown", "[api]") {
  ApiFixture api;
  CHECK(api.request(verb::delete_, "/workflows/first").status == 200);
  CHECK(api.request(verb::get, "/workflows/first").status == 404);
  CHECK(api.request(verb::delete_, "/workflows/first").status == 404);
  CHECK(api.request(verb::get, "/workflows").json().size() == 1);
}

TEST_CASE("with http_api_token every request needs the bearer token", "[api]") {
  ApiFixture api("s3cret");
  CHECK(api.request(verb::get, "/workflows").status == 401);
  CHECK(api.request(verb::get, "/workflows", "", "", "Bearer wrong").status == 401);
  CHECK(api.request(verb::delete_, "/workflows/first", "", "", "Basic s3cret").status == 401);
  auto allowed = api.request(verb::get, "/workflows", "", "", "Bearer s3cret");
  CHECK(allowed.status == 200);
  CHECK(allowed.json().size() == 2);
  CHECK(api.request(verb::get, "/workflows/first", "", "", "Bearer s3cret").status == 200);  // not deleted
}
