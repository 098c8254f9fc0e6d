#include "steps/rtmp_receive/rtmp_receive_step.hpp"

#include "mmids-core/rtmp/server/rtmp_server.hpp"
#include "reactor/reactor_manager.hpp"

namespace mmids::steps {

RtmpReceiveStep::RtmpReceiveStep(workflows::StepContext context, RtmpEndpointArguments arguments,
                                 StepServices& services, reactor::Reactor* reactor)
    : context_(std::move(context)), arguments_(std::move(arguments)) {
  endpoint::PublisherRegistration registration;
  registration.port = arguments_.port;
  registration.app = arguments_.app;
  registration.stream_key = arguments_.stream_key;
  registration.tls = arguments_.rtmps;
  registration.ip_rules = arguments_.ip_rules;
  registration.fields = context_.fields();
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
          request.stream_key,
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
  spdlog::info("{} accepting publishers on port {} app '{}' key '{}'{}", context_.fields(), arguments_.port,
               arguments_.app, arguments_.stream_key, reactor ? " (reactor " + reactor->name() + ")" : std::string());
  context_.set_active();
}

std::unique_ptr<workflows::WorkflowStep> RtmpReceiveStep::create(const config::StepDefinition& definition,
                                                                 workflows::StepContext context,
                                                                 StepServices& services) {
  workflows::StepArguments args(definition);
  auto arguments = RtmpEndpointArguments::read(args);
  args.reject_unknown();
  if (!services.rtmp) throw workflows::StepArgumentError("this node has no RTMP server");
  reactor::Reactor* reactor = arguments.reactor ? &find_reactor(services, "reactor", *arguments.reactor) : nullptr;
  return std::make_unique<RtmpReceiveStep>(std::move(context), std::move(arguments), services, reactor);
}

}  // namespace mmids::steps
