#include "node/node_metrics.hpp"

#include <map>

namespace mmids::node {
namespace {

// A reactor answer: one HTTP round trip, or several with the executor's retries (5 s, 15 s).
std::vector<double> reactor_buckets() { return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}; }
// From Play.Start to the first keyframe queued: at once with a GOP cache, up to a GOP without.
std::vector<double> keyframe_buckets() { return {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15}; }

// A counter kept equal to a total the book counts: prometheus counters only go up by
// increments, so the difference since the last scrape is added.
void advance(metrics::CounterFamily& family, const metrics::LabelValues& labels, double total) {
  auto* counter = family.at(labels);
  if (counter && total > counter->Value()) counter->Increment(total - counter->Value());
}

// Removes the series of labels that were exported and are no longer in `now`.
template <typename Remove>
void forget_gone(std::set<std::string>& exported, const std::set<std::string>& now, Remove remove) {
  for (const auto& name : exported)
    if (!now.count(name)) remove(name);
  exported = now;
}

// A workflow in error has the error's text as its status: the label says "error" (the
// text is for GET /workflows/NAME), so the label set stays four values.
std::string status_label(const std::string& status) {
  if (status == "Running" || status == "Pending" || status == "Stopped") return status;
  return "Error";
}

}  // namespace

NodeMetrics::NodeMetrics(metrics::Registry& registry)
    : connections_(registry.gauge("mmids_connections", "Connections to and from this node, by role", {"role"})),
      viewers_(registry.gauge("mmids_viewers", "Viewers connected to this node, by protocol", {"protocol"})),
      stream_viewers_(registry.gauge("mmids_stream_viewers", "Viewers of a live stream on this node", {"stream"})),
      stream_bitrate_(registry.gauge("mmids_stream_bitrate_bits",
                                     "Bits per second of a live stream, received (in) and sent to its viewers (out)",
                                     {"stream", "direction"})),
      pulls_(registry.gauge("mmids_pulls", "Pulls bringing a stream into this node", {"stream"})),
      workflows_(registry.gauge("mmids_workflows", "Workflows by status", {"status"})),
      bytes_(registry.counter("mmids_bytes_total", "Bytes received (in) and sent (out) by clients and pulls",
                              {"direction"})),
      dropped_frames_(registry.counter("mmids_viewer_dropped_frames_total",
                                       "Media dropped for viewers that could not keep up")),
      slow_disconnects_(registry.counter("mmids_viewer_slow_disconnects_total",
                                         "Viewers disconnected for staying behind their queue")),
      pull_restarts_(registry.counter("mmids_pull_restarts_total", "Pull attempts that failed or ended")),
      reactor_requests_(registry.counter("mmids_reactor_requests_total", "Reactor lookups answered, by outcome",
                                         {"reactor", "outcome"}, 100)),
      reactor_seconds_(registry.histogram("mmids_reactor_request_seconds",
                                          "How long reactor lookups took, retries included", {"reactor"},
                                          reactor_buckets(), 100)),
      first_keyframe_(registry.histogram("mmids_time_to_first_keyframe_seconds",
                                         "From a viewer's play start to its first keyframe", {}, keyframe_buckets())) {
  for (const char* role : {"connecting", "publisher", "viewer", "pull"}) connections_.set({role}, 0);
  for (const char* protocol : {"rtmp", "flv", "hls"}) viewers_.set({protocol}, 0);
  for (const char* direction : {"in", "out"}) bytes_.at({direction});
  for (const char* status : {"Running", "Pending", "Stopped", "Error"}) workflows_.set({status}, 0);
}

void NodeMetrics::collect(const activity::ActivitySnapshot& snapshot, const workflows::WorkflowManager& workflows) {
  std::map<std::string, double> roles{{"connecting", 0}, {"publisher", 0}, {"viewer", 0}, {"pull", 0}};
  std::map<std::string, double> protocols{{"rtmp", 0}, {"flv", 0}, {"hls", 0}};
  std::map<std::string, double> pulls;
  for (const auto& client : snapshot.clients) {
    ++roles[std::string(activity::role_name(client.info.role))];
    if (client.info.role == activity::ClientRole::viewer) ++protocols[client.info.protocol];
    if (client.info.role == activity::ClientRole::pull) ++pulls[client.info.stream];
  }
  for (const auto& [role, count] : roles) connections_.set({role}, count);
  for (const auto& [protocol, count] : protocols) viewers_.set({protocol}, count);
  std::set<std::string> pulled;
  for (const auto& [stream, count] : pulls) {
    pulls_.set({stream}, count);
    pulled.insert(stream);
  }
  forget_gone(exported_pulls_, pulled, [this](const std::string& stream) { pulls_.remove({stream}); });
  collect_streams(snapshot);
  collect_workflows(workflows);
  advance(bytes_, {"in"}, static_cast<double>(snapshot.totals.bytes_in));
  advance(bytes_, {"out"}, static_cast<double>(snapshot.totals.bytes_out));
  advance(dropped_frames_, {}, static_cast<double>(snapshot.totals.dropped_frames));
  advance(slow_disconnects_, {}, static_cast<double>(snapshot.totals.slow_disconnects));
  advance(pull_restarts_, {}, static_cast<double>(snapshot.totals.pull_restarts));
}

void NodeMetrics::collect_streams(const activity::ActivitySnapshot& snapshot) {
  std::set<std::string> live;
  for (const auto& stream : snapshot.streams) {
    const std::string& name = stream.info.name;
    live.insert(name);
    stream_viewers_.set({name}, static_cast<double>(stream.viewers.size()));
    stream_bitrate_.set({name, "in"}, stream.bitrate_in_bps);
    stream_bitrate_.set({name, "out"}, stream.bitrate_out_bps);
  }
  forget_gone(exported_streams_, live, [this](const std::string& name) {
    stream_viewers_.remove({name});
    stream_bitrate_.remove({name, "in"});
    stream_bitrate_.remove({name, "out"});
  });
}

void NodeMetrics::collect_workflows(const workflows::WorkflowManager& workflows) {
  std::map<std::string, double> by_status{{"Running", 0}, {"Pending", 0}, {"Stopped", 0}, {"Error", 0}};
  for (const auto& name : workflows.names()) {
    if (const auto* workflow = workflows.find(name)) ++by_status[status_label(workflow->view().status)];
  }
  for (const auto& [status, count] : by_status) workflows_.set({status}, count);
}

void NodeMetrics::reactor_request(const std::string& reactor, std::string_view outcome, double seconds) {
  reactor_requests_.inc({reactor, std::string(outcome)});
  reactor_seconds_.observe({reactor}, seconds);
}

void NodeMetrics::first_keyframe(double seconds) { first_keyframe_.observe({}, seconds); }

}  // namespace mmids::node
