#include "steps/rtmp_receive/rtmp_receive_step.hpp"

#include "mmids-core/net/address.hpp"
#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "reactor/reactor_manager.hpp"

namespace mmids::steps {

RtmpReceiveStep::RtmpReceiveStep(workflows::StepContext context, Options options, StepServices& services,
                                 reactor::Reactor* reactor)
    : context_(std::move(context)), options_(std::move(options)) {
  const RtmpEndpointArguments& where = options_.endpoint;
  endpoint::PublisherRegistration registration;
  registration.port = where.port;
  registration.app = where.app;
  registration.stream_key = where.stream_key;
  registration.tls = where.rtmps;
  registration.ip_rules = where.ip_rules;
  registration.fields = context_.fields();
  registration.publish_timeout = options_.publish_timeout;
  registration.takeover = options_.takeover;
  registration.takeover_silence = options_.takeover_silence;
  registration.on_media = [context = context_](const media::MediaNotification& notification) {
    context.emit(notification);
  };
  if (reactor) {
    rtmp::RtmpServer* server = services.rtmp;
    // Both outlive every step (the node owns them).
    registration.approve = [reactor, server](const endpoint::StreamRequest& request, endpoint::Approval approval) {
      // The lookup lives as long as the publisher (the session holds the lease), so the
      // reactor re-asks while it streams and stops its workflows when it leaves.
      auto answered = std::make_shared<bool>(false);
      const uint64_t connection = request.connection_id;
      return reactor->request(
          reactor::LookupRequest{request.stream_key, net::address_text(request.peer_address), request.query, false},
          [answered, approval = std::move(approval)](const reactor::ReactorVerdict& verdict) {
            if (std::exchange(*answered, true)) return;
            approval(verdict.valid);
          },
          [server, connection] {
            server->disconnect(connection, "the reactor withdrew the stream key");
          });
    };
  }
  auto result = services.rtmp->register_publisher(std::move(registration));
  if (!result.ok()) {
    context_.set_error(result.error());
    return;
  }
  registration_ = std::move(result).value();
  spdlog::info("{} accepting publishers on port {} app '{}' key '{}'{}", context_.fields(), options_.endpoint.port,
               options_.endpoint.app, options_.endpoint.stream_key,
               reactor ? " (reactor " + reactor->name() + ")" : std::string());
  context_.set_active();
}

std::unique_ptr<workflows::WorkflowStep> RtmpReceiveStep::create(const config::StepDefinition& definition,
                                                                 workflows::StepContext context,
                                                                 StepServices& services) {
  workflows::StepArguments args(definition);
  Options options;
  options.endpoint = RtmpEndpointArguments::read(args);
  options.publish_timeout = args.optional_seconds("publish_timeout");
  if (options.publish_timeout && options.publish_timeout->count() == 0) {
    throw workflows::StepArgumentError("argument 'publish_timeout' must be more than 0 seconds");
  }
  if (auto takeover = args.optional("takeover")) {
    if (*takeover == "silent") {
      options.takeover = endpoint::Takeover::WhenSilent;
    } else if (*takeover == "always") {
      options.takeover = endpoint::Takeover::Always;
    } else if (*takeover == "never") {
      options.takeover = endpoint::Takeover::Never;
    } else {
      throw workflows::StepArgumentError("argument 'takeover' must be silent, always or never, got '" + *takeover + "'");
    }
  }
  options.takeover_silence = args.optional_seconds("takeover_silence").value_or(options.takeover_silence);
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  reactor::Reactor* reactor =
      options.endpoint.reactor ? &find_reactor(services, "reactor", *options.endpoint.reactor) : nullptr;
  return std::make_unique<RtmpReceiveStep>(std::move(context), std::move(options), services, reactor);
}

}  // namespace mmids::steps
