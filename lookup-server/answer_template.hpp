#pragma once
// lookup-server: the workflow text /watcher_lookup answers with. The template is checked
// once, when the config loads; rendering only inserts values that were validated (stream
// names the nodes accept as stream keys, IP addresses, the configured pull app and port).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::lookup {

// The seed's answer (SPEC.md section 8), with a final newline.
inline constexpr std::string_view kDefaultAnswerTemplate =
    "workflow ingest_{{stream_name}} {\n"
    "    ffmpeg_pull location=rtmp://{{address}}/{{pull_app}}/{{stream_name}} stream_name={{stream_name}}\n"
    "}\n";

struct AnswerValues {
  std::string stream_name;  // must be accepted by endpoint::stream_key_problem
  std::string ip;           // the ingestion node's IP address, as text (no brackets)
  std::string pull_app = "pull_source";
  uint16_t rtmp_port = 1935;
};

// Placeholders: {{stream_name}}, {{ip}} (bare), {{address}} (ip, IPv6 in brackets, then
// ":port" unless the port is 1935), {{pull_app}}, {{rtmp_port}}. Every other character,
// single braces included, is literal.
class AnswerTemplate {
 public:
  // Throws std::invalid_argument for an unknown or unclosed placeholder.
  explicit AnswerTemplate(std::string_view text = kDefaultAnswerTemplate);

  // Throws std::invalid_argument if the stream name, ip or pull app is not what it must be,
  // so an unchecked value can never reach an answer.
  [[nodiscard]] std::string render(const AnswerValues& values) const;

 private:
  enum class Kind { literal, stream_name, ip, address, pull_app, rtmp_port };
  struct Part {
    Kind kind;
    std::string text;
  };
  std::vector<Part> parts_;
};

// The RTMP app the ingestion nodes offer streams on: what a stream key may be ([A-Za-z0-9_.-]{1,128}).
[[nodiscard]] bool is_valid_pull_app(std::string_view app);

}  // namespace mmids::lookup
