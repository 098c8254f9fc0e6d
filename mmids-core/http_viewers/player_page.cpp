#include "mmids-core/http_viewers/player_page.hpp"

#include "mmids-core/http_viewers/viewer_headers.hpp"

#include <fstream>
#include <sstream>

namespace mmids::http_viewers {
namespace {

constexpr std::string_view kPage = R"html(<!doctype html>
<html><head><meta charset="utf-8"><title>mmids player</title>
<style>
body { font-family: sans-serif; margin: 2em; background: #111; color: #eee; }
video { width: 100%; max-width: 960px; background: #000; display: block; margin: 1em 0; }
input { width: 20em; }
</style></head>
<body>
<h1>mmids player</h1>
<form id="choose">
  <input name="stream" placeholder="live/stream1">
  <select name="protocol"><option value="hls">HLS</option><option value="flv">HTTP-FLV</option></select>
  <button>Play</button>
</form>
<video id="video" controls autoplay muted playsinline></video>
<p id="status">Choose a stream: app/key, e.g. live/stream1.</p>
<script>
const params = new URLSearchParams(location.search);
const stream = params.get('stream');
const protocol = params.get('protocol') === 'flv' ? 'flv' : 'hls';
const video = document.getElementById('video');
const status = document.getElementById('status');
window.mmidsPlayer = { stream, protocol, errors: [], currentTime: 0 };
function fail(what) {
  window.mmidsPlayer.errors.push(String(what));
  status.textContent = 'error: ' + what;
}
function load(src, then) {
  const script = document.createElement('script');
  script.src = src;
  script.onload = then;
  script.onerror = () => fail('cannot load ' + src + ' (scripts/install-deps.sh installs it)');
  document.head.appendChild(script);
}
function playFlv(url) {
  if (!mpegts.getFeatureList().mseLivePlayback) return fail('this browser cannot play HTTP-FLV (no MSE)');
  const player = mpegts.createPlayer({ type: 'flv', isLive: true, url },
                                     { enableStashBuffer: false, liveBufferLatencyChasing: true });
  player.on(mpegts.Events.ERROR, (type, detail) => fail(type + ': ' + detail));
  player.attachMediaElement(video);
  player.load();
  video.play().catch(error => fail(error));
}
function playHls(url) {
  if (!Hls.isSupported()) {
    if (video.canPlayType('application/vnd.apple.mpegurl')) { video.src = url; return; }  // Safari
    return fail('this browser cannot play HLS (no MSE)');
  }
  const hls = new Hls({ lowLatencyMode: true });
  hls.on(Hls.Events.ERROR, (event, data) => { if (data.fatal) fail(data.type + ': ' + data.details); });
  hls.loadSource(url);
  hls.attachMedia(video);
  video.play().catch(() => {});  // autoplay may wait for the first frames
}
if (stream) {
  document.forms.choose.stream.value = stream;
  document.forms.choose.protocol.value = protocol;
  const url = new URL('/' + stream + (protocol === 'flv' ? '.flv' : '.m3u8'), location).href;
  status.textContent = 'loading ' + url;
  if (protocol === 'flv') load('/player/mpegts.js', () => playFlv(url));
  else load('/player/hls.min.js', () => playHls(url));
  video.addEventListener('error', () => fail('video: ' + (video.error ? video.error.message : 'unknown')));
  video.addEventListener('timeupdate', () => {
    window.mmidsPlayer.currentTime = video.currentTime;
    status.textContent = protocol.toUpperCase() + ' ' + stream + ': ' + video.currentTime.toFixed(1) + ' s';
  });
}
</script>
</body></html>
)html";

// The scripts the page loads, by URL, and their file in player_dir.
struct Script {
  std::string_view url;
  std::string_view file;
};
constexpr Script kScripts[] = {{"/player/hls.min.js", "hls.min.js"}, {"/player/mpegts.js", "mpegts.js"}};

}  // namespace

bool serve_player(const http::Request& request, const std::string& player_dir, http::Responder& respond) {
  if (request.method != "GET") return false;
  if (request.path == "/") {
    http::Response page;
    page.content_type = "text/html; charset=utf-8";
    page.body = std::string(kPage);
    respond(with_viewer_headers(std::move(page), kRevalidate));
    return true;
  }
  for (const auto& script : kScripts) {
    if (request.path != script.url) continue;
    std::ifstream file(player_dir + "/" + std::string(script.file), std::ios::binary);
    if (player_dir.empty() || !file) {
      respond(viewer_error(404, std::string(script.file) + " is not installed (scripts/install-deps.sh)"));
      return true;
    }
    std::ostringstream text;
    text << file.rdbuf();
    http::Response response;
    response.content_type = "text/javascript; charset=utf-8";
    response.body = std::move(text).str();
    respond(with_viewer_headers(std::move(response), "public, max-age=3600"));
    return true;
  }
  return false;
}

}  // namespace mmids::http_viewers
