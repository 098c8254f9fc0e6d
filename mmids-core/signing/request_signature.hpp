#pragma once
// mmids-core/signing: how a node signs its requests to the lookup server with the
// cluster's shared secret, and how the lookup server checks them.
//
//   X-Mmids-Timestamp: <unix seconds>
//   X-Mmids-Nonce:     <32 hex characters, new for every request>
//   X-Mmids-Signature: v1=<hex HMAC-SHA256(secret, timestamp "\n" nonce "\n" METHOD "\n" path "\n" body)>
//
// The path is the request's path without the query ("/publisher_lookup"). A request is
// refused when a header is missing or malformed, the signature does not match, the
// timestamp is more than kMaxSkew away from the verifier's clock, or (ReplayGuard) its
// nonce was already seen within that window.
#include "mmids-core/common/result.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace mmids::signing {

inline constexpr std::string_view kTimestampHeader = "X-Mmids-Timestamp";
inline constexpr std::string_view kNonceHeader = "X-Mmids-Nonce";
inline constexpr std::string_view kSignatureHeader = "X-Mmids-Signature";
inline constexpr std::chrono::seconds kMaxSkew{60};

struct RequestParts {
  std::string_view method;  // "POST"
  std::string_view path;    // "/publisher_lookup"
  std::string_view body;
};

// The three headers, as (name, value) pairs, for a request made at unix_seconds.
// nonce: empty = a fresh random one.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> sign_request(std::string_view secret,
                                                                            const RequestParts& request,
                                                                            int64_t unix_seconds,
                                                                            std::string nonce = {});

// The text that is signed (exposed for tests and for operators writing their own client).
[[nodiscard]] std::string signed_text(std::string_view timestamp, std::string_view nonce, const RequestParts& request);

// Why a request is refused; each is one value of the refusal metrics' `reason` label.
enum class Refusal { unsigned_request, bad_signature, stale, replayed };
[[nodiscard]] std::string_view refusal_label(Refusal refusal);  // "unsigned", "bad_signature", ...

struct Verdict {
  bool ok = false;
  Refusal refusal = Refusal::unsigned_request;  // when !ok
  std::string reason;                           // when !ok: for the log and the 401 body
  std::string nonce;                            // when ok: for the ReplayGuard
  int64_t timestamp = 0;
};

// The header values as received ("" when absent). Checks presence and form, then the
// signature, then the clock (so an unsigned stranger learns nothing about the clock).
[[nodiscard]] Verdict verify_request(std::string_view secret, std::string_view timestamp_header,
                                     std::string_view nonce_header, std::string_view signature_header,
                                     const RequestParts& request, int64_t now_unix_seconds);

// "1700000000" -> 1700000000: 1 to 12 digits, nothing else.
[[nodiscard]] Result<int64_t> parse_timestamp(std::string_view text);
// "v1=<64 hex>" -> the hex digest (lower case only).
[[nodiscard]] Result<std::string> parse_signature(std::string_view text);
// 16 to 64 hex characters.
[[nodiscard]] bool is_valid_nonce(std::string_view text);

// Remembers the nonces of accepted requests for twice kMaxSkew (a timestamp can be at most
// that far from another accepted one), at most max_entries of them: past that the oldest
// are forgotten first. Not thread-safe: one per io thread.
class ReplayGuard {
 public:
  explicit ReplayGuard(std::size_t max_entries = 100000) : max_entries_(max_entries) {}
  // False when nonce was seen within the window; else records it.
  [[nodiscard]] bool first_use(const std::string& nonce, int64_t now_unix_seconds);
  [[nodiscard]] std::size_t size() const { return seen_.size(); }

 private:
  std::size_t max_entries_;
  std::unordered_set<std::string> seen_;
  std::deque<std::pair<int64_t, std::string>> order_;  // (when seen, nonce), oldest first
};

// Unix seconds now (system clock).
[[nodiscard]] int64_t unix_now();

}  // namespace mmids::signing
