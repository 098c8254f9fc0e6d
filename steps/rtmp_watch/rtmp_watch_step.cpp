#include "steps/rtmp_watch/rtmp_watch_step.hpp"

#include "reactor/reactor_manager.hpp"


namespace mmids::steps {
namespace {

std::optional<std::string> exact_key(const RtmpEndpointArguments& endpoint) {
  if (endpoint.stream_key == "*") return std::nullopt;
  return endpoint.stream_key;
}

}  // namespace

RtmpWatchStep::RtmpWatchStep(workflows::StepContext context, Options options, StepServices& services,
                             reactor::Reactor* reactor)
    : context_(std::move(context)),
      options_(std::move(options)),
      outlets_(services.io,
               StreamOutlets::Options{exact_key(options_.endpoint), media::GopCache::Limits{}, options_.gop_cache,
                                      options_.unpublish_grace},
               context_.fields()) {
  if (reactor) {
    gate_ = std::make_shared<ReactorViewerGate>(
        services.io, *reactor, services.workflows, options_.idle_grace, context_.fields(),
        [this](const std::string& key, const media::MediaNotification& n) { on_routed(key, n); },
        [this](const std::string& key) { outlets_.end_viewers(key, "the stream is no longer available"); });
  } else {
    publisher_wait_ = std::make_shared<PublisherWait>(
        services.io, options_.wait_for_publisher, [this](const std::string& key) { return outlets_.is_live(key); },
        context_.fields());
    outlets_.on_stream_started([this](const std::string& key) { publisher_wait_->stream_started(key); });
  }
  endpoint::WatcherRegistration registration;
  registration.port = options_.endpoint.port;
  registration.app = options_.endpoint.app;
  registration.stream_key = options_.endpoint.stream_key;
  registration.tls = options_.endpoint.rtmps;
  registration.ip_rules = options_.endpoint.ip_rules;
  registration.fields = context_.fields();
  registration.start_timeout = options_.start_timeout;
  // The server calls these only while the registration lives, which is the step's life.
  registration.on_viewer_joined = [this](std::shared_ptr<endpoint::ViewerSink> viewer, const std::string& key) {
    if (!shut_down_) outlets_.add_viewer(viewer, exact_key(options_.endpoint).value_or(key));
  };
  registration.on_viewer_left = [this](uint64_t connection_id, const std::string& key) {
    if (!shut_down_) outlets_.remove_viewer(connection_id, exact_key(options_.endpoint).value_or(key));
  };
  registration.approve = [this](const endpoint::StreamRequest& request, endpoint::Approval approval) {
    const std::string key = exact_key(options_.endpoint).value_or(request.stream_key);
    return gate_ ? gate_->approve(key, request, std::move(approval)) : publisher_wait_->approve(key, std::move(approval));
  };
  auto result = services.rtmp->register_watcher(std::move(registration));
  if (!result.ok()) {
    context_.set_error(result.error());
    return;
  }
  registration_ = std::move(result).value();
  spdlog::info("{} serving viewers on port {} app '{}' key '{}'{}", context_.fields(), options_.endpoint.port,
               options_.endpoint.app, options_.endpoint.stream_key,
               reactor ? " (reactor " + reactor->name() + ")" : std::string());
  context_.set_active();
}

void RtmpWatchStep::on_media(const media::MediaNotification& notification) {
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    upstream_streams_.insert(started->id);
  } else if (const auto* ended = std::get_if<media::StreamDisconnected>(&notification)) {
    upstream_streams_.erase(ended->id);
  }
  serve(notification);
}

void RtmpWatchStep::on_routed(const std::string& key, const media::MediaNotification& notification) {
  if (shut_down_ || upstream_streams_.count(media::stream_id_of(notification))) return;
  if (const auto* started = std::get_if<media::NewStream>(&notification)) {
    serve(media::NewStream{started->id, key});  // the stream is watched under the key that asked for it
    return;
  }
  serve(notification);
}

void RtmpWatchStep::serve(const media::MediaNotification& notification) {
  outlets_.deliver(notification);
  context_.emit(notification);
}

void RtmpWatchStep::shutdown() {
  shut_down_ = true;
  if (gate_) gate_->shutdown();
  if (publisher_wait_) publisher_wait_->shutdown();
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
  options.idle_grace = args.optional_seconds("idle_grace").value_or(options.idle_grace);
  options.wait_for_publisher = args.optional_seconds("wait_for_publisher").value_or(options.wait_for_publisher);
  options.start_timeout = args.optional_seconds("start_timeout").value_or(options.start_timeout);
  options.unpublish_grace = args.optional_seconds("unpublish_grace").value_or(options.unpublish_grace);
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  reactor::Reactor* reactor = nullptr;
  if (options.endpoint.reactor) {
    reactor = &find_reactor(services, "reactor", *options.endpoint.reactor);
  } else if (definition.parameters.count("idle_grace")) {
    throw workflows::StepArgumentError("argument 'idle_grace' needs 'reactor'");
  }
  if (reactor && definition.parameters.count("wait_for_publisher")) {
    throw workflows::StepArgumentError("argument 'wait_for_publisher' is for steps without 'reactor' (the reactor decides)");
  }
  return std::make_unique<RtmpWatchStep>(std::move(context), std::move(options), services, reactor);
}

}  // namespace mmids::steps
