#include "mmids-core/signing/request_signature.hpp"

#include "mmids-core/signing/hmac.hpp"

#include <algorithm>
#include <charconv>

namespace mmids::signing {

namespace {

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Verdict refuse(Refusal refusal, std::string reason) {
  Verdict verdict;
  verdict.refusal = refusal;
  verdict.reason = std::move(reason);
  return verdict;
}

}  // namespace

std::string signed_text(std::string_view timestamp, std::string_view nonce, const RequestParts& request) {
  std::string text;
  text.reserve(timestamp.size() + nonce.size() + request.method.size() + request.path.size() + request.body.size() + 4);
  text.append(timestamp).append("\n").append(nonce).append("\n").append(request.method).append("\n");
  text.append(request.path).append("\n").append(request.body);
  return text;
}

std::vector<std::pair<std::string, std::string>> sign_request(std::string_view secret, const RequestParts& request,
                                                              int64_t unix_seconds, std::string nonce) {
  if (nonce.empty()) nonce = random_hex(16);
  std::string timestamp = std::to_string(unix_seconds);
  std::string signature = "v1=" + hmac_sha256_hex(secret, signed_text(timestamp, nonce, request));
  return {{std::string(kTimestampHeader), std::move(timestamp)},
          {std::string(kNonceHeader), std::move(nonce)},
          {std::string(kSignatureHeader), std::move(signature)}};
}

std::string_view refusal_label(Refusal refusal) {
  switch (refusal) {
    case Refusal::unsigned_request: return "unsigned";
    case Refusal::bad_signature: return "bad_signature";
    case Refusal::stale: return "stale";
    case Refusal::replayed: return "replayed";
  }
  return "unsigned";
}

Result<int64_t> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > 12) return Error("timestamp must be 1 to 12 digits of unix seconds");
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.front() == '-' || text.front() == '+') {
    return Error("timestamp must be 1 to 12 digits of unix seconds");
  }
  return value;
}

Result<std::string> parse_signature(std::string_view text) {
  constexpr std::string_view kPrefix = "v1=";
  if (text.substr(0, kPrefix.size()) != kPrefix) return Error("signature must be v1=<64 hex digits>");
  std::string_view digest = text.substr(kPrefix.size());
  if (!is_sha256_hex(digest)) return Error("signature must be v1=<64 lower-case hex digits>");
  return std::string(digest);
}

bool is_valid_nonce(std::string_view text) { return text.size() >= 16 && text.size() <= 64 && is_hex(text); }

Verdict verify_request(std::string_view secret, std::string_view timestamp_header, std::string_view nonce_header,
                       std::string_view signature_header, const RequestParts& request, int64_t now) {
  if (timestamp_header.empty() || nonce_header.empty() || signature_header.empty()) {
    return refuse(Refusal::unsigned_request, "request is not signed (X-Mmids-Timestamp, X-Mmids-Nonce and "
                                             "X-Mmids-Signature are required)");
  }
  auto timestamp = parse_timestamp(timestamp_header);
  if (!timestamp.ok()) return refuse(Refusal::bad_signature, "bad X-Mmids-Timestamp: " + timestamp.error());
  if (!is_valid_nonce(nonce_header)) {
    return refuse(Refusal::bad_signature, "bad X-Mmids-Nonce: must be 16 to 64 lower-case hex digits");
  }
  auto signature = parse_signature(signature_header);
  if (!signature.ok()) return refuse(Refusal::bad_signature, "bad X-Mmids-Signature: " + signature.error());
  auto expected = hmac_sha256_hex(secret, signed_text(timestamp_header, nonce_header, request));
  if (!constant_time_equal(expected, *signature)) {
    return refuse(Refusal::bad_signature, "signature does not match (wrong secret, or the request was altered)");
  }
  int64_t skew = now - *timestamp;
  if (skew > kMaxSkew.count() || -skew > kMaxSkew.count()) {
    return refuse(Refusal::stale, "request timestamp is " + std::to_string(skew) +
                                      " s from this server's clock (at most " + std::to_string(kMaxSkew.count()) +
                                      " s allowed)");
  }
  Verdict verdict;
  verdict.ok = true;
  verdict.nonce = std::string(nonce_header);
  verdict.timestamp = *timestamp;
  return verdict;
}

bool ReplayGuard::first_use(const std::string& nonce, int64_t now) {
  const int64_t window = 2 * kMaxSkew.count();
  while (!order_.empty() && (now - order_.front().first > window || order_.size() >= max_entries_)) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
  if (!seen_.insert(nonce).second) return false;
  order_.emplace_back(now, nonce);
  return true;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace mmids::signing
