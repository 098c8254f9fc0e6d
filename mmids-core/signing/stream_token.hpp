#pragma once
// mmids-core/signing: signed stream tokens, the credential a publisher or viewer puts in
// its RTMP URL's query (`rtmp://host/app/cam1?token=...`), like nginx's secure_link.
//
//   token = <expiry unix seconds> "-" <hex HMAC-SHA256(secret, stream_name ":" expiry)>
//
// Only characters 0-9 a-f and "-", so it needs no URL escaping. Whoever knows the secret
// mints tokens (`mmids-lookup token`); the lookup server checks them.
#include "mmids-core/common/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mmids::signing {

[[nodiscard]] std::string mint_stream_token(std::string_view secret, std::string_view stream_name,
                                            int64_t expiry_unix_seconds);

// Ok when token was minted with secret for stream_name and has not expired at now; else
// why not ("expired 12 s ago", "does not match the stream", "malformed token").
[[nodiscard]] Status check_stream_token(std::string_view secret, std::string_view stream_name, std::string_view token,
                                        int64_t now_unix_seconds);

}  // namespace mmids::signing
