#pragma once
#include <optional>
// mmids-core/http: maps (method, path) to handlers; answers 404 and 405 itself.
#include "mmids-core/http/message.hpp"

#include <string>
#include <vector>

namespace mmids::http {

class Router {
 public:
  // Exact path, e.g. add("GET", "/workflows", h).
  void add(std::string method, std::string path, Handler handler);
  // Any path that starts with prefix, e.g. add_prefix("GET", "/workflows/", h). When several
  // prefixes match, the longest wins; an exact route wins over every prefix.
  void add_prefix(std::string method, std::string prefix, Handler handler);
  // Asked before any route: an answer refuses the request with it (authentication).
  using Guard = std::function<std::optional<Response>(const Request& request)>;
  void set_guard(Guard guard) { guard_ = std::move(guard); }

  // Unknown path -> 404 {"error": ...}; known path, other method -> 405 with an Allow
  // header. A handler that throws answers 500 (unless it already answered). The responder
  // given to the handler ignores every call after the first.
  void dispatch(const Request& request, Responder responder) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    Handler handler;
  };
  std::vector<Route> routes_;
  Guard guard_;
};

}  // namespace mmids::http
