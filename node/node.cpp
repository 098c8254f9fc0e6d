#include "node/node.hpp"

#include "mmids-core/api/workflow_api.hpp"
#include "node/tls_context.hpp"

namespace mmids::node {

Node::Node(asio::io_context& io, config::NodeConfig config, settings::NodeSettings settings)
    : io_(io), config_(std::move(config)), settings_(std::move(settings)) {
  rtmp::RtmpServerOptions rtmp_options;
  rtmp_options.bind_address = settings_.bind_address;
  rtmp_options.publish_timeout = settings_.publish_timeout;
  rtmp_options.tls = make_rtmps_context(settings_);
  rtmp_options.write_batch = std::chrono::milliseconds(settings_.write_batch_ms);
  rtmp_ = std::make_unique<rtmp::RtmpServer>(io_, std::move(rtmp_options));
  workflows_ = std::make_unique<workflows::WorkflowManager>(io_, registry_);
  reactors_ = std::make_unique<reactor::ReactorManager>(io_, *workflows_, settings_);
  reactors_->configure(config_.reactors);
  services_ = std::make_unique<steps::StepServices>(steps::StepServices{io_, settings_, *workflows_, rtmp_.get(),
                                                                        reactors_.get()});
  steps::register_builtin_steps(registry_, *services_);
}

Node::~Node() {
  stop();
  // Steps unregister from the RTMP server and release their reactor lookups before
  // either goes.
  workflows_->stop_all();
  reactors_.reset();
  workflows_.reset();
  rtmp_.reset();
}

void Node::start() {
  if (settings_.http_api_port) {
    http::Router router;
    api::add_workflow_routes(router, *workflows_);
    http::ServerOptions options;
    options.address = settings_.http_api_address;
    options.port = *settings_.http_api_port;
    api_ = std::make_unique<http::Server>(io_, std::move(router), options);
    api_->start();
    spdlog::info("HTTP API listening on {}:{}", settings_.http_api_address, api_->port());
  }
  for (const auto& workflow : config_.workflows) workflows_->upsert(workflow);
}

void Node::stop() {
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
