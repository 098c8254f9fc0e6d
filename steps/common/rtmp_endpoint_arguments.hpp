#pragma once
// The arguments rtmp_receive and rtmp_watch share (MMIDS-REFERENCE.md "RTMP endpoint
// and steps"): rtmp_app, stream_key, port, rtmps, allow_ips, deny_ips, reactor.
#include "mmids-core/endpoint/ip_rules.hpp"
#include "mmids-core/workflows/step.hpp"

#include <optional>
#include <string>

namespace mmids::steps {

struct RtmpEndpointArguments {
  std::string app;
  std::string stream_key;  // "*" or an exact key
  uint16_t port = 1935;
  bool rtmps = false;
  endpoint::IpRules ip_rules;
  std::optional<std::string> reactor;

  // Reads (and marks as known) the shared arguments; throws StepArgumentError.
  static RtmpEndpointArguments read(workflows::StepArguments& args);
};

}  // namespace mmids::steps
