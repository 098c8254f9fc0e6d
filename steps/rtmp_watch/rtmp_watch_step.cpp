#include "steps/rtmp_watch/rtmp_watch_step.hpp"

namespace mmids::steps {
namespace {

std::optional<std::string> exact_key(const RtmpEndpointArguments& endpoint) {
  if (endpoint.stream_key == "*") return std::nullopt;
  return endpoint.stream_key;
}

}  // namespace

RtmpWatchStep::RtmpWatchStep(workflows::StepContext context, Options options, StepServices& services)
    : context_(std::move(context)),
      options_(std::move(options)),
      outlets_(exact_key(options_.endpoint), media::GopCache::Limits{}, options_.gop_cache) {
  rtmp::WatcherRegistration registration;
  registration.port = options_.endpoint.port;
  registration.app = options_.endpoint.app;
  registration.stream_key = options_.endpoint.stream_key;
  registration.tls = options_.endpoint.rtmps;
  registration.ip_rules = options_.endpoint.ip_rules;
  registration.fields = context_.fields();
  // The server calls these only while the registration lives, which is the step's life.
  registration.on_viewer_joined = [this](std::shared_ptr<rtmp::ViewerSink> viewer, const std::string& key) {
    if (!shut_down_) outlets_.add_viewer(viewer, key);
  };
  registration.on_viewer_left = [this](uint64_t connection_id, const std::string& key) {
    if (!shut_down_) outlets_.remove_viewer(connection_id, key);
  };
  auto result = services.rtmp->register_watcher(std::move(registration));
  if (!result.ok()) {
    context_.set_error(result.error);
    return;
  }
  registration_ = std::move(result.registration);
  spdlog::info("{} serving viewers on port {} app '{}' key '{}'", context_.fields(), options_.endpoint.port,
               options_.endpoint.app, options_.endpoint.stream_key);
  context_.set_active();
}

void RtmpWatchStep::on_media(const media::MediaNotification& notification) {
  outlets_.deliver(notification);
  context_.emit(notification);
}

void RtmpWatchStep::shutdown() {
  shut_down_ = true;
  registration_.reset();  // closes this step's viewers
}

std::unique_ptr<workflows::WorkflowStep> RtmpWatchStep::create(const config::StepDefinition& definition,
                                                               workflows::StepContext context,
                                                               StepServices& services) {
  workflows::StepArguments args(definition);
  Options options;
  options.endpoint = RtmpEndpointArguments::read(args);
  const std::string gop = args.optional("gop_cache").value_or("on");
  if (gop != "on" && gop != "off") {
    throw workflows::StepArgumentError("argument 'gop_cache' must be 'on' or 'off', got '" + gop + "'");
  }
  options.gop_cache = gop == "on";
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  return std::make_unique<RtmpWatchStep>(std::move(context), std::move(options), services);
}

}  // namespace mmids::steps
