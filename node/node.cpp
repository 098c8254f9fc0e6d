#include "node/node.hpp"

#include "mmids-core/api/activity_api.hpp"
#include "mmids-core/api/workflow_api.hpp"
#include "mmids-core/signing/secret_file.hpp"
#include "node/tls_context.hpp"
#include "node/viewer_routes.hpp"

namespace mmids::node {
namespace {

// How often the heap's free pages go back to the system: seldom enough that a trim's walk
// of the free lists is lost among the node's work, often enough that a join burst's
// high-water mark does not linger.
constexpr std::chrono::seconds kMemoryTrimInterval{10};

// The reports' signing secret: report_secret, or the contents of report_secret_file.
std::string report_secret(const settings::NodeSettings& settings) {
  if (settings.report_secret_file.empty()) {
    if (settings.report_secret.empty()) return {};
    if (auto checked = signing::check_secret(settings.report_secret, "report_secret"); !checked.ok()) {
      throw std::runtime_error(checked.error());
    }
    return settings.report_secret;
  }
  auto secret = signing::read_secret_file(settings.report_secret_file);
  if (!secret.ok()) throw std::runtime_error("setting 'report_secret_file': " + secret.error());
  return *secret;
}

}  // namespace

Node::Node(asio::io_context& io, config::NodeConfig config, settings::NodeSettings settings)
    : io_(io), config_(std::move(config)), settings_(std::move(settings)) {
  rtmp::RtmpServerOptions rtmp_options;
  rtmp_options.bind_address = settings_.bind_address;
  rtmp_options.publish_timeout = settings_.publish_timeout;
  rtmp_options.max_connections = settings_.max_connections;
  rtmp_options.max_connections_per_address = settings_.max_connections_per_address;
  rtmp_options.tls = make_rtmps_context(settings_);
  rtmp_options.write_batch = std::chrono::milliseconds(settings_.write_batch_ms);
  rtmp_options.read_batch = std::chrono::milliseconds(settings_.read_batch_ms);
  rtmp_options.activity = activity_;
  io_threads_ = std::make_shared<IoThreads>(io_, settings_.worker_threads);
  rtmp_options.io_threads = io_threads_;
  // HTTP viewers (rtmp_watch http_port=) listen beside RTMP: the same address, and HTTPS
  // with the same certificate.
  http_viewers::HttpViewerServerOptions http_options;
  http_options.bind_address = settings_.bind_address;
  http_options.tls = rtmp_options.tls;
  http_options.player_dir = settings_.http_player_path.empty() ? MMIDS_PLAYER_DIR : settings_.http_player_path;
  http_options.activity = activity_;
  rtmp_ = std::make_unique<rtmp::RtmpServer>(io_, std::move(rtmp_options));
  http_viewers_ = std::make_unique<http_viewers::HttpViewerServer>(io_, std::move(http_options));
  workflows_ = std::make_unique<workflows::WorkflowManager>(io_, registry_);
  reactors_ = std::make_unique<reactor::ReactorManager>(io_, *workflows_, settings_);
  reactors_->set_request_observer(
      [this](const std::string& reactor, std::string_view outcome, std::chrono::steady_clock::duration took) {
        node_metrics_.reactor_request(reactor, outcome, std::chrono::duration<double>(took).count());
      });
  reactors_->configure(config_.reactors);
  activity_->on_first_keyframe([this](double seconds) { node_metrics_.first_keyframe(seconds); });
  services_ = std::make_unique<steps::StepServices>(steps::StepServices{
      io_, settings_, *workflows_, rtmp_.get(), http_viewers_.get(), reactors_.get(), activity_});
  if (!settings_.report_url.empty()) {
    ReporterOptions report;
    report.url = settings_.report_url;
    report.node_name = settings_.node_name;
    report.role = settings_.node_role;
    report.interval = settings_.report_interval;
    report.secret = report_secret(settings_);
    report.bind_address = settings_.bind_address;
    reporter_ = std::make_shared<NodeReporter>(io_, activity_, std::move(report));
  }
  steps::register_builtin_steps(registry_, *services_);
}

Node::~Node() {
  stop();
  // Steps unregister from the RTMP server and release their reactor lookups before
  // either goes.
  workflows_->stop_all();
  reactors_.reset();
  workflows_.reset();
  http_viewers_.reset();
  rtmp_.reset();
  // Their connections were told to close: they end, then the threads. An open one still
  // holds them, so join here rather than leave it to the last reference.
  io_threads_->join();
  io_threads_.reset();
  activity_->on_first_keyframe(nullptr);  // the metrics go before the book
}

void Node::start() {
  if (settings_.http_api_port) {
    http::Router router;
    api::add_workflow_routes(router, *workflows_);
    api::add_activity_routes(router, *activity_);
    add_viewer_routes(router, *activity_);
    router.add("GET", "/metrics", [this](const http::Request&, http::Responder respond) {
      node_metrics_.collect(activity_->snapshot(), *workflows_);
      respond(metrics::metrics_response(metrics_));
    });
    if (!settings_.http_api_token.empty()) api::require_bearer_token(router, settings_.http_api_token);
    http::ServerOptions options;
    options.address = settings_.http_api_address;
    options.port = *settings_.http_api_port;
    api_ = std::make_unique<http::Server>(io_, std::move(router), options);
    api_->start();
    spdlog::info("HTTP API listening on {}:{}", settings_.http_api_address, api_->port());
  }
  for (const auto& workflow : config_.workflows) workflows_->upsert(workflow);
  if (reporter_) reporter_->start();
  trimmer_ = std::make_shared<MemoryTrimmer>(io_, kMemoryTrimInterval);
  trimmer_->start();
}

void Node::stop() {
  if (reporter_) reporter_->stop();
  if (trimmer_) trimmer_->stop();
  if (workflows_) workflows_->stop_all();
  if (api_) {
    api_->stop();
    api_.reset();
  }
}

std::optional<uint16_t> Node::api_port() const {
  if (!api_) return std::nullopt;
  return api_->port();
}

}  // namespace mmids::node
