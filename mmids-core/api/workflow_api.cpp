#include "mmids-core/api/workflow_api.hpp"

#include "mmids-core/signing/hmac.hpp"

#include "mmids-core/config/parser.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace mmids::api {
namespace {

constexpr std::string_view kWorkflowsPrefix = "/workflows/";
constexpr std::string_view kWorkflowContentType = "application/vnd.mmids.workflow";

nlohmann::json step_to_json(const workflows::StepView& step) {
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& [key, value] : step.parameters) parameters[key] = value ? nlohmann::json(*value) : nullptr;
  return {{"step_id", std::to_string(step.id)},
          {"step_type", step.type},
          {"parameters", parameters},
          {"status", step.status}};
}

// A refused update is logged: an operator's script that sends garbage should show in the log.
http::Response refuse_update(unsigned status, const std::string& problem, nlohmann::json body) {
  spdlog::info("api: PUT /workflows refused: {}", problem);
  return http::Response::json(status, std::move(body));
}

http::Response refuse_update(unsigned status, const std::string& problem) {
  return refuse_update(status, problem, {{"error", problem}});
}

http::Response put_workflow(const http::Request& request, workflows::WorkflowManager& manager) {
  auto content_type = request.headers.find("content-type");
  if (content_type != request.headers.end()) {
    std::string_view type = content_type->second;
    type = type.substr(0, type.find(';'));
    if (type != kWorkflowContentType && type != "text/plain") {
      return refuse_update(415, "content type must be absent or " + std::string(kWorkflowContentType));
    }
  }
  auto parsed = config::parse_workflows(request.body, "request body");
  if (!parsed.ok()) {
    const auto& first = parsed.errors.front();
    auto body = nlohmann::json{{"error", first.message},
                               {"line", first.where.line},
                               {"column", first.where.column},
                               {"errors", nlohmann::json::array()}};
    for (const auto& error : parsed.errors) body["errors"].push_back(error.to_string());
    return refuse_update(400, first.to_string(), std::move(body));
  }
  if (parsed.config.workflows.size() != 1) {
    return refuse_update(
        400, "the body must hold exactly one workflow, found " + std::to_string(parsed.config.workflows.size()));
  }
  const std::string name = parsed.config.workflows.front().name;
  manager.upsert(std::move(parsed.config.workflows.front()));
  return http::Response::json(200, {{"workflow", name}, {"result", "applied"}});
}

}  // namespace

nlohmann::json workflow_to_json(const workflows::WorkflowView& view) {
  nlohmann::json body{{"name", view.name},
                      {"status", view.status},
                      {"routed_by_reactor", view.routed_by_reactor},
                      {"active_steps", nlohmann::json::array()},
                      {"pending_steps", nlohmann::json::array()}};
  for (const auto& step : view.active_steps) body["active_steps"].push_back(step_to_json(step));
  for (const auto& step : view.pending_steps) body["pending_steps"].push_back(step_to_json(step));
  return body;
}

void add_workflow_routes(http::Router& router, workflows::WorkflowManager& manager) {
  router.add("GET", "/", [](const http::Request&, http::Responder respond) {
    respond(http::Response::text(200, "Mmids version " MMIDS_VERSION));
  });
  router.add("GET", "/workflows", [&manager](const http::Request&, http::Responder respond) {
    auto list = nlohmann::json::array();
    for (const auto& name : manager.names()) list.push_back({{"name", name}});
    respond(http::Response::json(200, list));
  });
  router.add("PUT", "/workflows", [&manager](const http::Request& request, http::Responder respond) {
    respond(put_workflow(request, manager));
  });
  router.add_prefix("GET", std::string(kWorkflowsPrefix), [&manager](const http::Request& request, http::Responder respond) {
    const std::string name = request.path.substr(kWorkflowsPrefix.size());
    const auto* workflow = manager.find(name);
    if (!workflow) return respond(http::Response::error(404, "no workflow named '" + name + "'"));
    respond(http::Response::json(200, workflow_to_json(workflow->view())));
  });
  router.add_prefix("DELETE", std::string(kWorkflowsPrefix), [&manager](const http::Request& request, http::Responder respond) {
    const std::string name = request.path.substr(kWorkflowsPrefix.size());
    if (!manager.stop(name)) return respond(http::Response::error(404, "no workflow named '" + name + "'"));
    respond(http::Response::json(200, {{"workflow", name}, {"result", "stopped"}}));
  });
}

void require_bearer_token(http::Router& router, std::string token) {
  router.set_guard([token = std::move(token)](const http::Request& request) -> std::optional<http::Response> {
    const std::string presented = request.header("authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (presented.size() > scheme.size() && presented.compare(0, scheme.size(), scheme) == 0 &&
        signing::constant_time_equal(std::string_view(presented).substr(scheme.size()), token)) {
      return std::nullopt;
    }
    spdlog::info("HTTP API: {} {} from {} refused: {}", request.method, request.path, request.peer_address.to_string(),
                 presented.empty() ? "no bearer token" : "wrong bearer token");
    auto refusal = http::Response::error(401, "a valid bearer token is required (Authorization: Bearer <http_api_token>)");
    refusal.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"mmids\"");
    return refusal;
  });
}

}  // namespace mmids::api
