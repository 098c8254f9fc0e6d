#pragma once
// lookup-server: the cluster dashboard (GET / and GET /dashboard.js): static HTML, CSS
// and JavaScript compiled into the program, no build step and no outside assets. The
// script polls GET /streams, /nodes and /stream_history every 2 s and draws the charts
// as plain SVG. Everything a request supplied (stream and node names) is inserted with
// textContent, and the Content-Security-Policy allows only the page's own origin.
#include "mmids-core/http/message.hpp"

namespace mmids::lookup {

http::Response dashboard_page();    // dashboard_page.cpp
http::Response dashboard_script();  // dashboard_script.cpp

// no-store, CSP, nosniff: the headers both answers carry.
http::Response with_page_headers(http::Response response);

}  // namespace mmids::lookup
