// mmids-core/http Router: which handler answers, and the 404 and 405 it gives itself.
#include "mmids-core/http/router.hpp"

#include <catch2/catch.hpp>

using namespace mmids::http;

namespace {

Request make(std::string method, std::string path) {
  Request request;
  request.method = std::move(method);
  request.path = path;
  request.target = path;
  return request;
}

Response dispatch(const Router& router, const Request& request) {
  std::optional<Response> answer;
  int calls = 0;
  router.dispatch(request, [&](Response r) {
    ++calls;
    answer = std::move(r);
  });
  REQUIRE(calls == 1);
  return *answer;
}

Handler says(std::string text) {
  return [text](const Request&, Responder respond) { respond(Response::text(200, text)); };
}

std::string header(const Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

TEST_CASE("http: router sends exact paths to their handler", "[http]") {
  Router router;
  router.add("GET", "/workflows", says("list"));
  router.add("PUT", "/workflows", says("put"));
  CHECK(dispatch(router, make("GET", "/workflows")).body == "list");
  CHECK(dispatch(router, make("PUT", "/workflows")).body == "put");
}

TEST_CASE("http: router answers 404 with a JSON error for an unknown path", "[http]") {
  Router router;
  router.add("GET", "/workflows", says("list"));
  auto response = dispatch(router, make("GET", "/nothing"));
  CHECK(response.status == 404);
  CHECK(response.content_type == "application/json");
  CHECK(nlohmann::json::parse(response.body).contains("error"));
  CHECK(dispatch(router, make("GET", "/workflows/")).status == 404);  // exact means exact
}

TEST_CASE("http: router answers 405 with an Allow header for another method", "[http]") {
  Router router;
  router.add("POST", "/publisher_lookup", says("ok"));
  router.add("DELETE", "/publisher_lookup", says("ok"));
  auto response = dispatch(router, make("GET", "/publisher_lookup"));
  CHECK(response.status == 405);
  CHECK(header(response, "Allow") == "DELETE, POST");
  CHECK(nlohmann::json::parse(response.body)["error"].get<std::string>().find("GET") != std::string::npos);
}

TEST_CASE("http: router prefixes match the longest and lose to exact routes", "[http]") {
  Router router;
  router.add_prefix("GET", "/workflows/", says("one"));
  router.add_prefix("GET", "/workflows/special/", says("special"));
  router.add("GET", "/workflows/exact", says("exact"));
  router.add_prefix("DELETE", "/workflows/", says("deleted"));
  CHECK(dispatch(router, make("GET", "/workflows/x")).body == "one");
  CHECK(dispatch(router, make("DELETE", "/workflows/x")).body == "deleted");
  CHECK(dispatch(router, make("GET", "/workflows/special/y")).body == "special");
  CHECK(dispatch(router, make("GET", "/workflows/exact")).body == "exact");
  auto refused = dispatch(router, make("DELETE", "/workflows/special/y"));
  CHECK(refused.status == 405);
  CHECK(header(refused, "Allow") == "GET");
}

TEST_CASE("http: router turns a throwing handler into 500 and answers once", "[http]") {
  Router router;
  router.add("GET", "/boom", [](const Request&, Responder) -> void { throw std::runtime_error("boom"); });
  router.add("GET", "/twice", [](const Request&, Responder respond) {
    respond(Response::text(200, "first"));
    respond(Response::text(200, "second"));
    throw std::runtime_error("after answering");
  });
  CHECK(dispatch(router, make("GET", "/boom")).status == 500);
  CHECK(dispatch(router, make("GET", "/twice")).body == "first");
}

TEST_CASE("http: response helpers set status type and body", "[http]") {
  auto json = Response::json(201, {{"a", 1}});
  CHECK(json.status == 201);
  CHECK(json.content_type == "application/json");
  CHECK(json.body == R"({"a":1})");
  auto text = Response::text(200, "hi");
  CHECK(text.content_type == "text/plain; charset=utf-8");
  auto error = Response::error(400, "bad \xff name");  // invalid UTF-8 must not throw
  CHECK(error.status == 400);
  CHECK(nlohmann::json::parse(error.body)["error"].get<std::string>().find("bad") == 0);
  CHECK(reason_phrase(404) == "Not Found");
  CHECK(reason_phrase(799).empty());
}
