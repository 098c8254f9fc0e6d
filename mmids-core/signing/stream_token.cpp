#include "mmids-core/signing/stream_token.hpp"

#include "mmids-core/signing/hmac.hpp"
#include "mmids-core/signing/request_signature.hpp"

namespace mmids::signing {

namespace {

std::string token_text(std::string_view stream_name, std::string_view expiry) {
  std::string text(stream_name);
  text.append(":").append(expiry);
  return text;
}

}  // namespace

std::string mint_stream_token(std::string_view secret, std::string_view stream_name, int64_t expiry) {
  std::string expiry_text = std::to_string(expiry);
  return expiry_text + "-" + hmac_sha256_hex(secret, token_text(stream_name, expiry_text));
}

Status check_stream_token(std::string_view secret, std::string_view stream_name, std::string_view token,
                          int64_t now) {
  auto dash = token.find('-');
  if (dash == std::string_view::npos) return Error("malformed token (expected <expiry>-<64 hex digits>)");
  std::string_view expiry_text = token.substr(0, dash);
  std::string_view digest = token.substr(dash + 1);
  auto expiry = parse_timestamp(expiry_text);
  if (!expiry.ok() || !is_sha256_hex(digest)) return Error("malformed token (expected <expiry>-<64 hex digits>)");
  // The digest first: a forged token learns nothing, not even whether it has expired.
  if (!constant_time_equal(hmac_sha256_hex(secret, token_text(stream_name, expiry_text)), digest)) {
    return Error("token does not match the stream (or was minted with another secret)");
  }
  if (*expiry <= now) return Error("token expired " + std::to_string(now - *expiry) + " s ago");
  return {};
}

}  // namespace mmids::signing
