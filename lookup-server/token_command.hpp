#pragma once
// lookup-server: `mmids-lookup token`, which mints a signed stream token
// (mmids-core/signing/stream_token.hpp) for a publisher's or viewer's RTMP URL:
//
//   mmids-lookup token --secret-file /etc/mmids/token.secret --stream cam1 --valid 3600 \
//       [--url rtmp://ingest.example.com/ingest]
//
// prints the token alone on the first line (for scripts), then an example URL.
#include <iosfwd>

namespace mmids::lookup {

// argv[0] is "token". Returns the exit code: 0, or 2 with the problem on err.
int run_token_command(int argc, const char* const argv[], std::ostream& out, std::ostream& err);

}  // namespace mmids::lookup
