#include "lookup-server/dashboard.hpp"

namespace mmids::lookup {

namespace {

constexpr const char* kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mmids lookup</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
  h1 { font-size: 1.4em; margin: 0 0 .2em; }
  #status { color: #666; margin-bottom: 1em; }
  #status.error { color: #b00; font-weight: bold; }
  table { border-collapse: collapse; min-width: 40em; }
  th, td { text-align: left; padding: .35em .8em; border-bottom: 1px solid #ddd; vertical-align: top; }
  th { background: #f4f4f4; }
  td.none { color: #999; font-style: italic; }
  ul { margin: 0; padding-left: 1.1em; }
  code { font-size: 13px; }
</style>
</head>
<body>
<h1>mmids lookup</h1>
<div id="status">loading&hellip;</div>
<table id="streams">
  <thead><tr><th>Stream</th><th>Ingestion node</th><th>Live for</th><th>Playback nodes serving it</th></tr></thead>
  <tbody id="rows"><tr><td colspan="4" class="none">no live streams</td></tr></tbody>
</table>
<script src="dashboard.js"></script>
</body>
</html>
)html";

constexpr const char* kScript = R"js(// mmids lookup dashboard: renders GET /streams, refreshing every 2 seconds.
'use strict';
(function () {
  let rows = document.getElementById('rows');
  const status = document.getElementById('status');

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
    return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    if (text !== undefined) td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function render(data) {
    const streams = data.streams || [];
    const fresh = document.createElement('tbody');
    fresh.id = 'rows';
    if (streams.length === 0) {
      cell(fresh.insertRow(), 'no live streams', 'none').colSpan = 4;
    }
    for (const s of streams) {
      const row = fresh.insertRow();
      row.className = 'stream';
      row.dataset.stream = s.stream;
      cell(row).appendChild(document.createElement('code')).textContent = s.stream;
      cell(row, s.ingestion_address, 'ingestion');
      cell(row, duration(s.age_seconds));
      const nodes = s.playback_nodes || [];
      if (nodes.length === 0) {
        cell(row, 'none', 'none playback');
      } else {
        const list = cell(row, undefined, 'playback').appendChild(document.createElement('ul'));
        for (const n of nodes) {
          list.appendChild(document.createElement('li')).textContent =
            n.address + ' (asked ' + duration(n.last_asked_seconds_ago) + ' ago)';
        }
      }
    }
    rows.replaceWith(fresh);
    rows = fresh;
    status.className = '';
    status.textContent = streams.length + (streams.length === 1 ? ' live stream' : ' live streams') +
      ' \u00b7 store ' + data.store + ' \u00b7 updated ' + new Date().toLocaleTimeString();
  }

  async function refresh() {
    try {
      const response = await fetch('streams', {cache: 'no-store'});
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || ('HTTP ' + response.status));
      render(data);
    } catch (e) {
      status.className = 'error';
      status.textContent = 'cannot load streams: ' + e.message;
    } finally {
      setTimeout(refresh, 2000);
    }
  }
  refresh();
})();
)js";

http::Response with_page_headers(http::Response response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace

http::Response dashboard_page() {
  auto response = http::Response::text(200, kPage);
  response.content_type = "text/html; charset=utf-8";
  return with_page_headers(std::move(response));
}

http::Response dashboard_script() {
  auto response = http::Response::text(200, kScript);
  response.content_type = "text/javascript; charset=utf-8";
  return with_page_headers(std::move(response));
}

}  // namespace mmids::lookup
