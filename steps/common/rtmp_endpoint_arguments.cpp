#include "steps/common/rtmp_endpoint_arguments.hpp"

namespace mmids::steps {

RtmpEndpointArguments RtmpEndpointArguments::read(workflows::StepArguments& args) {
  RtmpEndpointArguments result;
  result.app = args.required("rtmp_app");
  result.stream_key = args.required("stream_key");
  if (result.app.empty()) throw workflows::StepArgumentError("argument 'rtmp_app' must not be empty");
  if (result.stream_key.empty()) throw workflows::StepArgumentError("argument 'stream_key' must not be empty");
  result.rtmps = args.flag("rtmps");
  const uint16_t default_port = result.rtmps ? 443 : 1935;
  result.port = static_cast<uint16_t>(args.optional_number("port", 1, 65535).value_or(default_port));
  const auto allow = args.optional("allow_ips");
  const auto deny = args.optional("deny_ips");
  try {
    result.ip_rules = endpoint::IpRules::from_arguments(allow, deny);
  } catch (const std::invalid_argument& error) {
    throw workflows::StepArgumentError(std::string(allow ? "argument 'allow_ips': " : "argument 'deny_ips': ") +
                                       error.what());
  }
  result.reactor = args.optional("reactor");
  return result;
}

}  // namespace mmids::steps
