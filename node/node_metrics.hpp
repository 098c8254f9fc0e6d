#pragma once
// NodeMetrics: the node's Prometheus families (GET /metrics on the API). What exists now
// (connections, streams, pulls, workflows) and the totals (bytes, drops) are read from the
// activity book's snapshot at scrape time, so nothing on the media path touches
// prometheus-cpp; events that are rare (a reactor answer, a viewer's first keyframe) are
// observed as they happen. A stream's labels disappear when the stream ends.
//
//   mmids_connections{role}                      connecting, publisher, viewer, pull
//   mmids_viewers{protocol}                      rtmp, rtmps, flv, hls
//   mmids_stream_viewers{stream}                 mmids_stream_bitrate_bits{stream,direction}
//   mmids_pulls{stream}                          mmids_workflows{status}
//   mmids_bytes_total{direction}                 mmids_viewer_dropped_frames_total
//   mmids_viewer_slow_disconnects_total          mmids_pull_restarts_total
//   mmids_reactor_requests_total{reactor,outcome}  mmids_reactor_request_seconds{reactor}
//   mmids_time_to_first_keyframe_seconds
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/metrics/registry.hpp"
#include "mmids-core/workflows/workflow_manager.hpp"

#include <set>
#include <string>

namespace mmids::node {

class NodeMetrics {
 public:
  explicit NodeMetrics(metrics::Registry& registry);

  // Brings the scrape-time families up to date.
  void collect(const activity::ActivitySnapshot& snapshot, const workflows::WorkflowManager& workflows);
  void reactor_request(const std::string& reactor, std::string_view outcome, double seconds);
  void first_keyframe(double seconds);

 private:
  void collect_streams(const activity::ActivitySnapshot& snapshot);
  void collect_workflows(const workflows::WorkflowManager& workflows);

  metrics::GaugeFamily& connections_;
  metrics::GaugeFamily& viewers_;
  metrics::GaugeFamily& stream_viewers_;
  metrics::GaugeFamily& stream_bitrate_;
  metrics::GaugeFamily& pulls_;
  metrics::GaugeFamily& workflows_;
  metrics::CounterFamily& bytes_;
  metrics::CounterFamily& dropped_frames_;
  metrics::CounterFamily& slow_disconnects_;
  metrics::CounterFamily& pull_restarts_;
  metrics::CounterFamily& reactor_requests_;
  metrics::HistogramFamily& reactor_seconds_;
  metrics::HistogramFamily& first_keyframe_;
  std::set<std::string> exported_streams_;  // the stream labels out there, removed when they end
  std::set<std::string> exported_pulls_;
};

}  // namespace mmids::node
