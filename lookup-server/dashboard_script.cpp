#include "lookup-server/dashboard.hpp"

namespace mmids::lookup {

namespace {

constexpr const char* kScript = R"js(// mmids cluster dashboard: renders GET /streams, /nodes and /stream_history every 2 s.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const CHART_W = 240, CHART_H = 56, WINDOW_S = 900;
  const status = document.getElementById('status');

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
    return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
  }

  function bitrate(bps) {
    if (!bps) return '';
    if (bps >= 1e6) return (bps / 1e6).toFixed(2) + ' Mbit/s';
    return Math.round(bps / 1e3) + ' kbit/s';
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    if (text !== undefined) td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function media(ingestion) {
    if (!ingestion) return '';
    const v = ingestion.video || {}, a = ingestion.audio || {};
    const parts = [];
    if (v.codec) parts.push(v.codec + (v.width ? ' ' + v.width + 'x' + v.height : '') + (v.fps ? ' ' + v.fps + ' fps' : ''));
    if (a.codec) parts.push(a.codec);
    return parts.join(' / ');
  }

  // One SVG path per series: points at their time, the last value held until now.
  function chartPath(points, index, now, max) {
    if (!points.length) return '';
    const x = t => (CHART_W * (1 - (now - t) / (WINDOW_S * 1000))).toFixed(1);
    const y = v => (CHART_H - 2 - (CHART_H - 4) * (max > 0 ? v / max : 0)).toFixed(1);
    let d = '';
    for (const p of points) d += (d ? ' L ' : 'M ') + x(p[0]) + ' ' + y(p[index]);
    return d + ' L ' + x(now) + ' ' + y(points[points.length - 1][index]);
  }

  function chart(points, now) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'chart');
    svg.setAttribute('width', CHART_W);
    svg.setAttribute('height', CHART_H);
    svg.setAttribute('viewBox', '0 0 ' + CHART_W + ' ' + CHART_H);
    const maxViewers = Math.max(1, ...points.map(p => p[1]));
    const maxBitrate = Math.max(1, ...points.map(p => p[2]));
    for (const [name, index, max] of [['bitrate', 2, maxBitrate], ['viewers', 1, maxViewers]]) {
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('class', name);
      path.setAttribute('d', chartPath(points, index, now, max));
      svg.appendChild(path);
    }
    const title = document.createElementNS(SVG, 'title');
    title.textContent = 'peak ' + maxViewers + ' viewers, ' + bitrate(maxBitrate);
    svg.appendChild(title);
    return svg;
  }

  function playbackList(td, stream) {
    const reported = (stream.reported && stream.reported.viewers_by_node) || [];
    const byAddress = new Map(reported.map(n => [n.node, n]));
    const list = document.createElement('ul');
    for (const n of stream.playback_nodes || []) {
      const r = byAddress.get(n.address);
      byAddress.delete(n.address);
      list.appendChild(document.createElement('li')).textContent = (r ? r.name + ': ' + r.viewers + ' viewers, ' : n.address + ' ') +
        '(asked ' + duration(n.last_asked_seconds_ago) + ' ago)';
    }
    for (const r of byAddress.values()) {
      list.appendChild(document.createElement('li')).textContent = r.name + ': ' + r.viewers + ' viewers';
    }
    if (!list.children.length) {
      td.textContent = 'none';
      td.className += ' none';
    } else {
      td.appendChild(list);
    }
  }

  function renderStreams(data, history) {
    const streams = data.streams || [];
    const rows = document.getElementById('rows');
    const fresh = document.createElement('tbody');
    fresh.id = 'rows';
    if (streams.length === 0) cell(fresh.insertRow(), 'no live streams', 'none').colSpan = 7;
    const now = history.now_ms || Date.now();
    for (const s of streams) {
      const row = fresh.insertRow();
      row.className = 'stream';
      row.dataset.stream = s.stream;
      const ingestion = s.reported && s.reported.ingestion;
      cell(row).appendChild(document.createElement('code')).textContent = s.stream;
      cell(row, s.ingestion_address, 'ingestion');
      cell(row, media(ingestion), 'media');
      cell(row, ingestion ? bitrate(ingestion.bitrate_in_bps) : '', 'bitrate');
      cell(row, duration(ingestion && ingestion.uptime_seconds ? ingestion.uptime_seconds : s.age_seconds), 'uptime');
      playbackList(cell(row, undefined, 'playback'), s);
      cell(row, undefined, 'history').appendChild(chart((history.streams || {})[s.stream] || [], now));
    }
    rows.replaceWith(fresh);
    document.getElementById('total-viewers').textContent = data.total_viewers || 0;
    document.getElementById('stream-count').textContent = streams.length;
    return streams.length;
  }

  function renderNodes(data) {
    const nodes = data.nodes || [];
    const rows = document.getElementById('node-rows');
    const fresh = document.createElement('tbody');
    fresh.id = 'node-rows';
    if (nodes.length === 0) cell(fresh.insertRow(), 'no node has reported', 'none').colSpan = 6;
    for (const n of nodes) {
      const row = fresh.insertRow();
      row.className = 'node' + (n.stale ? ' stale' : '');
      row.dataset.node = n.address;
      cell(row, n.name, 'name');
      cell(row, n.address, 'address');
      cell(row, n.role, 'role');
      cell(row, n.streams, 'streams');
      cell(row, n.viewers, 'viewers');
      cell(row, duration(n.last_report_seconds_ago) + ' ago' + (n.stale ? ' (stale)' : ''), 'heard');
    }
    rows.replaceWith(fresh);
    document.getElementById('node-count').textContent = nodes.length;
  }

  async function load(path) {
    const response = await fetch(path, {cache: 'no-store'});
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || ('HTTP ' + response.status));
    return data;
  }

  async function refresh() {
    try {
      const [streams, nodes, history] = await Promise.all([load('streams'), load('nodes'), load('stream_history')]);
      const count = renderStreams(streams, history);
      renderNodes(nodes);
      status.className = '';
      status.textContent = count + (count === 1 ? ' live stream' : ' live streams') +
        ' \u00b7 store ' + streams.store + ' \u00b7 updated ' + new Date().toLocaleTimeString();
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

}  // namespace

http::Response dashboard_script() {
  auto response = http::Response::text(200, kScript);
  response.content_type = "text/javascript; charset=utf-8";
  return with_page_headers(std::move(response));
}

}  // namespace mmids::lookup
