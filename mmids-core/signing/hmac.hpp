#pragma once
// mmids-core/signing: HMAC-SHA256 and the comparisons around it, the one place both the
// nodes (which sign) and the lookup server (which verifies) compute it.
#include <string>
#include <string_view>

namespace mmids::signing {

// Lower-case hex of HMAC-SHA256(key, message): 64 characters.
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Equal length and equal bytes, in time that depends only on the length (CRYPTO_memcmp):
// how a signature or a token is compared, so timing tells an attacker nothing.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

// `count` random bytes from OpenSSL's CSPRNG, as lower-case hex (2 * count characters).
[[nodiscard]] std::string random_hex(std::size_t count);

// 64 characters of 0-9 a-f.
[[nodiscard]] bool is_sha256_hex(std::string_view text);

}  // namespace mmids::signing
