#pragma once
// Failure causes: the reason a client connection ended (a sentence from the connection
// layer) reduced to a short, stable name, so a run's failures can be counted by cause.
#include <string>
#include <string_view>

namespace mmids::bench {

// "connect refused", "connect timeout", "no start within timeout", "refused:
// NetStream.Play.StreamNotFound" (the server's status code), "ended by server", "media
// timeout", "closed before start", "closed by server", "write timeout", or the reason
// itself (shortened) when it is none of these. `started`: Play.Start or Publish.Start
// had arrived.
[[nodiscard]] std::string failure_cause(std::string_view reason, bool started);

}  // namespace mmids::bench
