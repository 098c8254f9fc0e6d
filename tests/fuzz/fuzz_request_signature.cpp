// Fuzz target: what a stranger can put in front of the lookup server's signature and
// credential checks. The input is split at the first three newlines into the
// X-Mmids-Timestamp, X-Mmids-Nonce and X-Mmids-Signature header values and the body.
// Promises checked: nothing crashes; a request is accepted only with the signature a
// signer makes for it; a token or key-file line is read without trusting its text; a
// node report is accepted only with valid stream names; a log line's fields parse.
#include "lookup-server/key_file_auth.hpp"
#include "lookup-server/node_report.hpp"
#include "lookup-server/stream_name.hpp"
#include "mmids-core/endpoint/stream_key.hpp"
#include "mmids-core/logging/json_formatter.hpp"
#include "mmids-core/signing/hmac.hpp"
#include "mmids-core/signing/request_signature.hpp"
#include "mmids-core/signing/stream_token.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mmids;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view parts[4];
  std::string_view rest = input;
  for (int i = 0; i < 3; ++i) {
    auto newline = rest.find('\n');
    parts[i] = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  }
  parts[3] = rest;
  constexpr int64_t kNow = 1'800'000'000;
  const signing::RequestParts request{"POST", "/publisher_lookup", parts[3]};

  auto verdict = signing::verify_request("secret", parts[0], parts[1], parts[2], request, kNow);
  if (verdict.ok) {
    // Only the signer's own signature gets through.
    auto expected = "v1=" + signing::hmac_sha256_hex("secret", signing::signed_text(parts[0], parts[1], request));
    if (expected != parts[2]) std::abort();
  } else if (verdict.reason.empty()) {
    std::abort();
  }
  (void)signing::parse_timestamp(parts[0]);
  (void)signing::parse_signature(parts[2]);

  if (signing::check_stream_token("secret", "cam1", input, kNow).ok()) {
    if (input != signing::mint_stream_token("secret", "cam1", *signing::parse_timestamp(input.substr(0, input.find('-'))))) {
      std::abort();
    }
  }
  (void)lookup::query_parameter(input, "token");
  (void)lookup::parse_key_file(input, "fuzz.txt");
  auto report = lookup::parse_node_report(input);
  if (report.ok()) {
    for (const auto& stream : report->streams) {
      if (endpoint::stream_key_problem(stream.name)) std::abort();
    }
  }
  auto split = log::split_fields(input);
  if (split.fields.empty() && split.message != input) std::abort();
  return 0;
}
