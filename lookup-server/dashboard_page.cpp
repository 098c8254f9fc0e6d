#include "lookup-server/dashboard.hpp"

namespace mmids::lookup {

namespace {

constexpr const char* kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mmids cluster</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
  h1 { font-size: 1.4em; margin: 0 0 .2em; }
  h2 { font-size: 1.1em; margin: 1.6em 0 .4em; }
  #status { color: #666; margin-bottom: .6em; }
  #status.error { color: #b00; font-weight: bold; }
  #summary { font-size: 1.1em; margin-bottom: 1em; }
  #summary b { font-size: 1.3em; }
  table { border-collapse: collapse; min-width: 40em; }
  th, td { text-align: left; padding: .35em .8em; border-bottom: 1px solid #ddd; vertical-align: top; }
  th { background: #f4f4f4; }
  td.none, span.none { color: #999; font-style: italic; }
  ul { margin: 0; padding-left: 1.1em; }
  code { font-size: 13px; }
  tr.stale td { color: #b00; }
  .legend { font-size: 11px; color: #666; }
  .legend .viewers { color: #1f6feb; }
  .legend .bitrate { color: #d9822b; }
  svg.chart { background: #fafafa; border: 1px solid #eee; display: block; }
  svg.chart path.viewers { stroke: #1f6feb; fill: none; stroke-width: 1.5; }
  svg.chart path.bitrate { stroke: #d9822b; fill: none; stroke-width: 1.5; }
</style>
</head>
<body>
<h1>mmids cluster</h1>
<div id="status">loading&hellip;</div>
<div id="summary"><b id="total-viewers">0</b> viewers &middot; <span id="stream-count">0</span> streams &middot;
  <span id="node-count">0</span> nodes reporting</div>
<h2>Streams</h2>
<table id="streams">
  <thead><tr><th>Stream</th><th>Ingestion node</th><th>Video / audio</th><th>Bitrate</th><th>Uptime</th>
    <th>Playback nodes (viewers)</th><th>Last 15 minutes <span class="legend"><span class="viewers">viewers</span>
    &middot; <span class="bitrate">bitrate</span></span></th></tr></thead>
  <tbody id="rows"><tr><td colspan="7" class="none">no live streams</td></tr></tbody>
</table>
<h2>Nodes</h2>
<table id="nodes">
  <thead><tr><th>Node</th><th>Address</th><th>Role</th><th>Streams</th><th>Viewers</th><th>Last heard from</th></tr></thead>
  <tbody id="node-rows"><tr><td colspan="6" class="none">no node has reported</td></tr></tbody>
</table>
<script src="dashboard.js"></script>
</body>
</html>
)html";

}  // namespace

http::Response with_page_headers(http::Response response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

http::Response dashboard_page() {
  auto response = http::Response::text(200, kPage);
  response.content_type = "text/html; charset=utf-8";
  return with_page_headers(std::move(response));
}

}  // namespace mmids::lookup
