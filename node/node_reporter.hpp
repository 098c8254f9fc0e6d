#pragma once
// NodeReporter: the node's periodic report to the lookup server (settings report_url,
// report_interval, node_name, node_role; signed with report_secret or report_secret_file
// as the reactors sign their lookups), so the cluster dashboard shows this node's streams,
// codecs, bitrates and viewers without reaching its loopback-only API. The body is what
// lookup-server/node_report.hpp reads; it is made from the activity book's snapshot.
// A report that fails is logged and the next one is sent at the next interval anyway:
// reports are state, not events, so nothing is queued or retried.
#include "mmids-core/activity/node_activity.hpp"
#include "mmids-core/common/asio.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace mmids::node {

struct ReporterOptions {
  std::string url;           // http(s)://lookup/node_report
  std::string node_name;     // "" = the lookup server shows the node by its address
  std::string role;          // "ingestion" or "playback"
  std::chrono::seconds interval{10};
  std::string secret;        // signs every report (empty = unsigned)
  std::string bind_address;  // reports come from the node's own address
};

// The report body for `snapshot`. Streams whose names the lookup server would refuse
// (outside [A-Za-z0-9_.-]{1,128}) are left out rather than failing the whole report.
[[nodiscard]] nlohmann::json report_body(const activity::ActivitySnapshot& snapshot, const ReporterOptions& options);

class NodeReporter : public std::enable_shared_from_this<NodeReporter> {
 public:
  NodeReporter(asio::io_context& io, std::shared_ptr<activity::NodeActivity> book, ReporterOptions options);
  // The first report goes at once, then one every interval.
  void start();
  void stop();

 private:
  void report();
  void schedule();

  asio::io_context& io_;
  std::weak_ptr<activity::NodeActivity> book_;
  ReporterOptions options_;
  asio::steady_timer timer_;
  bool stopped_ = false;
  bool failing_ = false;  // the last report failed: the next failure is not logged again at warn
};

}  // namespace mmids::node
