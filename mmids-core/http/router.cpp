#include "mmids-core/http/router.hpp"

#include "mmids-core/logging/log.hpp"

#include <algorithm>
#include <memory>
#include <set>

namespace mmids::http {

void Router::add(std::string method, std::string path, Handler handler) {
  routes_.push_back(Route{std::move(method), std::move(path), false, std::move(handler)});
}

void Router::add_prefix(std::string method, std::string prefix, Handler handler) {
  routes_.push_back(Route{std::move(method), std::move(prefix), true, std::move(handler)});
}

void Router::dispatch(const Request& request, Responder responder) const {
  auto answered = std::make_shared<bool>(false);
  Responder once = [answered, responder = std::move(responder)](Response response) {
    if (*answered) return;
    *answered = true;
    responder(std::move(response));
  };
  if (guard_) {
    if (auto refusal = guard_(request)) return once(std::move(*refusal));
  }

  // The routes that own this path: the exact ones if any, else the longest prefix.
  std::vector<const Route*> owners;
  for (const auto& route : routes_) {
    if (!route.prefix && route.path == request.path) owners.push_back(&route);
  }
  if (owners.empty()) {
    std::size_t best = 0;
    for (const auto& route : routes_) {
      if (!route.prefix || request.path.compare(0, route.path.size(), route.path) != 0) continue;
      if (route.path.size() > best) {
        best = route.path.size();
        owners.clear();
      }
      if (route.path.size() == best) owners.push_back(&route);
    }
  }
  if (owners.empty()) {
    once(Response::error(404, "no such resource: " + request.path));
    return;
  }

  auto match = std::find_if(owners.begin(), owners.end(),
                            [&](const Route* route) { return route->method == request.method; });
  if (match == owners.end()) {
    std::set<std::string> allowed;
    for (const auto* route : owners) allowed.insert(route->method);
    std::string allow;
    for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    auto response = Response::error(405, "method " + request.method + " not allowed on " +
                                             request.path + " (allowed: " + allow + ")");
    response.headers.emplace_back("Allow", allow);
    once(std::move(response));
    return;
  }

  try {
    (*match)->handler(request, once);
  } catch (const std::exception& e) {
    spdlog::error("{} handler for {} {} failed: {}",
                  log::Fields().with("peer", request.peer_address.to_string()), request.method,
                  request.path, e.what());
    once(Response::error(500, "internal error"));
  }
}

}  // namespace mmids::http
