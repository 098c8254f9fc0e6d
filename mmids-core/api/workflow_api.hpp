#pragma once
// The node's HTTP API (SPEC.md section 4, MMIDS-REFERENCE.md "HTTP API"): read and
// change the running workflows.
//   GET /                 -> "Mmids version X"
//   GET /workflows        -> [{"name": ...}]
//   GET /workflows/NAME   -> {"status", "active_steps", "pending_steps"}; 404 when unknown
//   PUT /workflows        -> body: one workflow in config syntax; 400 names line and problem
//   DELETE /workflows/NAME
#include "mmids-core/http/server.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"

namespace mmids::api {

// Adds the routes to `router`; the manager must outlive the server.
void add_workflow_routes(http::Router& router, workflows::WorkflowManager& manager);

// Every request must carry `Authorization: Bearer <token>` (compared in constant time);
// others get 401 with a WWW-Authenticate challenge. For an API reachable off loopback.
void require_bearer_token(http::Router& router, std::string token);

// The JSON document GET /workflows/NAME answers with.
nlohmann::json workflow_to_json(const workflows::WorkflowView& view);

}  // namespace mmids::api
