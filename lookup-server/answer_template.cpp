#include "lookup-server/answer_template.hpp"

#include "lookup-server/source_address.hpp"
#include "mmids-core/common/asio.hpp"
#include "mmids-core/endpoint/stream_key.hpp"

#include <stdexcept>

namespace mmids::lookup {

// An app is written into the pull URL beside the stream key: the same alphabet is safe there.
bool is_valid_pull_app(std::string_view app) { return !endpoint::stream_key_problem(app); }

AnswerTemplate::AnswerTemplate(std::string_view text) {
  std::size_t position = 0;
  while (position < text.size()) {
    auto open = text.find("{{", position);
    if (open == std::string_view::npos) {
      parts_.push_back({Kind::literal, std::string(text.substr(position))});
      break;
    }
    if (open > position) parts_.push_back({Kind::literal, std::string(text.substr(position, open - position))});
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("answer template: '{{' at offset " + std::to_string(open) +
                                  " is not closed by '}}'");
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    Kind kind;
    if (name == "stream_name") kind = Kind::stream_name;
    else if (name == "ip") kind = Kind::ip;
    else if (name == "address") kind = Kind::address;
    else if (name == "pull_app") kind = Kind::pull_app;
    else if (name == "rtmp_port") kind = Kind::rtmp_port;
    else {
      throw std::invalid_argument("answer template: unknown placeholder {{" + std::string(name) +
                                  "}} (known: stream_name, ip, address, pull_app, rtmp_port)");
    }
    parts_.push_back({kind, {}});
    position = close + 2;
  }
}

std::string AnswerTemplate::render(const AnswerValues& values) const {
  if (auto problem = endpoint::stream_key_problem(values.stream_name)) {
    throw std::invalid_argument("invalid stream name: " + *problem);
  }
  if (!is_valid_pull_app(values.pull_app)) throw std::invalid_argument("invalid pull app");
  auto ip = net::parse_address(values.ip);
  if (!ip.ok()) throw std::invalid_argument("ingestion address is not a routable IP address");
  std::string ip_text = ip->to_string();
  std::string address = values.rtmp_port != 1935 ? net::host_port_text(ip_text, values.rtmp_port) : net::bracketed(ip_text);

  std::string out;
  for (const auto& part : parts_) {
    switch (part.kind) {
      case Kind::literal: out += part.text; break;
      case Kind::stream_name: out += values.stream_name; break;
      case Kind::ip: out += ip_text; break;
      case Kind::address: out += address; break;
      case Kind::pull_app: out += values.pull_app; break;
      case Kind::rtmp_port: out += std::to_string(values.rtmp_port); break;
    }
  }
  return out;
}

}  // namespace mmids::lookup
