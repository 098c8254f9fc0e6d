// Fuzz target: what a lookup request can carry into mmids-lookup. The body (JSON with a
// stream name), the X-Forwarded-For header and trusted-proxy text. Checks the one promise
// that matters: an accepted name is in the alphabet, and the answer is the template with
// that name and nothing else.
#include "lookup-server/answer_template.hpp"
#include "lookup-server/source_address.hpp"
#include "lookup-server/stream_name.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mmids::lookup;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto body = parse_lookup_body(input);
  if (body.ok()) {
    const auto& name = body->stream_name;
    // The alphabet written out again here, not the rule's code: what may reach an answer.
    if (name.empty() || name.size() > 128 || name == "." || name == ".." ||
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos) {
      std::abort();
    }
    static const AnswerTemplate answer;
    std::string text = answer.render({name, "10.0.0.1"});
    std::string expected = "workflow ingest_" + name + " {\n    ffmpeg_pull location=rtmp://10.0.0.1/pull_source/" +
                           name + " stream_name=" + name + "\n}\n";
    if (text != expected) std::abort();
  } else if (body.error().empty()) {
    std::abort();
  }

  static const std::vector<mmids::net::AddressRange> trusted{*mmids::net::parse_address_range("10.0.0.0/8"),
                                                              *mmids::net::parse_address_range("::1")};
  auto source = select_source_address(boost::asio::ip::make_address("10.0.0.2"), input, trusted);
  if (source.address.has_value() == !source.error.empty()) std::abort();
  if (source.address) {
    // Whatever was chosen is a plain address that renders into a URL host.
    auto host = mmids::net::bracketed(source.address->to_string());
    if (host.find_first_of(" \r\n{}/\"") != std::string::npos) std::abort();
  }
  return 0;
}
