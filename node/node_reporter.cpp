#include "node/node_reporter.hpp"

#include "mmids-core/http/client.hpp"
#include "reactor/simple_http_executor.hpp"

#include <cmath>
#include <map>

namespace mmids::node {
namespace {

bool reportable_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

nlohmann::json stream_report(const activity::StreamSnapshot& stream, std::chrono::steady_clock::time_point now) {
  std::map<std::string, size_t> by_protocol{{"rtmp", 0}, {"flv", 0}, {"hls", 0}};
  for (const auto& viewer : stream.viewers) ++by_protocol[viewer.info.protocol];
  nlohmann::json body{{"name", stream.info.name},
                      {"source", stream.info.source_kind},
                      {"bitrate_in_bps", std::round(stream.bitrate_in_bps)},
                      {"uptime_seconds", std::floor(std::chrono::duration<double>(now - stream.info.since).count())},
                      {"viewers", stream.viewers.size()},
                      {"viewers_by_protocol", by_protocol}};
  if (!stream.video_codec.empty()) {
    body["video"] = {{"codec", stream.video_codec},
                     {"width", stream.width},
                     {"height", stream.height},
                     {"fps", std::round(stream.fps * 10) / 10}};
  }
  if (!stream.audio_codec.empty()) body["audio"] = {{"codec", stream.audio_codec}};
  return body;
}

}  // namespace

nlohmann::json report_body(const activity::ActivitySnapshot& snapshot, const ReporterOptions& options) {
  auto streams = nlohmann::json::array();
  for (const auto& stream : snapshot.streams) {
    if (reportable_name(stream.info.name)) streams.push_back(stream_report(stream, snapshot.taken));
  }
  nlohmann::json body{{"role", options.role},
                      {"interval_seconds", options.interval.count()},
                      {"streams", std::move(streams)}};
  if (!options.node_name.empty()) body["node"] = options.node_name;
  return body;
}

NodeReporter::NodeReporter(asio::io_context& io, std::shared_ptr<activity::NodeActivity> book, ReporterOptions options)
    : io_(io), book_(book), options_(std::move(options)), timer_(io) {}

void NodeReporter::start() {
  spdlog::info("reporting to {} every {} s as {} node{}", options_.url, options_.interval.count(), options_.role,
               options_.secret.empty() ? "" : ", signed");
  report();
}

void NodeReporter::stop() {
  stopped_ = true;
  timer_.cancel();
}

void NodeReporter::schedule() {
  if (stopped_) return;
  timer_.expires_after(options_.interval);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    auto reporter = weak.lock();
    if (!error && reporter && !reporter->stopped_) reporter->report();
  });
}

void NodeReporter::report() {
  auto book = book_.lock();
  if (!book) return;
  http::ClientRequest request;
  request.method = "POST";
  request.url = options_.url;
  request.body = report_body(book->snapshot(), options_).dump();
  request.content_type = "application/json";
  request.headers = reactor::signature_headers(options_.secret, request.method, request.url, request.body);
  http::ClientOptions client;
  client.bind_address = options_.bind_address;
  // An answer later than the next report is of no use.
  client.timeout = std::min<std::chrono::milliseconds>(options_.interval, std::chrono::seconds(5));
  client.max_response_bytes = 64 * 1024;
  http::request(io_, std::move(request), std::move(client), [weak = weak_from_this()](http::ClientResult result) {
    auto reporter = weak.lock();
    if (!reporter) return;
    const bool ok = result.ok() && result->status == 200;
    if (!ok) {
      const std::string why = result.ok() ? "answered " + std::to_string(result->status) + " " + result->body.substr(0, 200)
                                          : result.error();
      if (reporter->failing_) {
        spdlog::debug("node report to {} failed again: {}", reporter->options_.url, why);
      } else {
        spdlog::warn("node report to {} failed: {}", reporter->options_.url, why);
      }
    } else if (reporter->failing_) {
      spdlog::info("node report to {} accepted again", reporter->options_.url);
    }
    reporter->failing_ = !ok;
  });
  // The next one on the clock, whatever this one's fate: a hung lookup server does not
  // stretch the interval.
  schedule();
}

}  // namespace mmids::node
