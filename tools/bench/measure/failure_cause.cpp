#include "tools/bench/measure/failure_cause.hpp"

namespace mmids::bench {
namespace {

constexpr size_t kMaxUnknownCause = 60;
constexpr std::string_view kRefusedPrefix = "server refused: ";

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

std::string failure_cause(std::string_view reason, bool started) {
  // The wording comes from net::connect, RtmpTransport and ClientDialogue.
  if (contains(reason, "Connection refused")) return "connect refused";
  if (reason.starts_with("timed out connecting")) return "connect timeout";
  if (contains(reason, "Start within the connect timeout")) return "no start within timeout";
  if (reason.starts_with(kRefusedPrefix)) {
    std::string_view code = reason.substr(kRefusedPrefix.size());
    code = code.substr(0, code.find(' '));
    return "refused: " + std::string(code);
  }
  if (reason.starts_with("the server ended the stream")) return "ended by server";
  if (reason.starts_with("no media for") || reason.starts_with("no data for")) return "media timeout";
  if (reason.starts_with("a write blocked")) return "write timeout";
  if (reason == "connection closed by peer" || contains(reason, "Connection reset")) {
    return started ? "closed by server" : "closed before start";
  }
  return std::string(reason.substr(0, kMaxUnknownCause));
}

}  // namespace mmids::bench
