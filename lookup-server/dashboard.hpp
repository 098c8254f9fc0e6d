#pragma once
// lookup-server: the dashboard (GET / and GET /dashboard.js): static HTML and JavaScript
// compiled into the program, no build step. The script polls GET /streams every 2 s.
#include "mmids-core/http/message.hpp"

namespace mmids::lookup {

http::Response dashboard_page();
http::Response dashboard_script();

}  // namespace mmids::lookup
