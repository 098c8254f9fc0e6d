#pragma once
// mmids-core/signing: reading a secret from a file (a node's `secret_file`, the lookup
// server's `shared_secret_file` and `token_secret_file`, `mmids-lookup token --secret-file`),
// so the secret need not sit in a config file or on a command line.
#include "mmids-core/common/result.hpp"

#include <string>
#include <string_view>

namespace mmids::signing {

inline constexpr std::size_t kMaxSecretBytes = 4096;

// The file's contents without trailing newlines and spaces (editors add them). Refuses an
// unreadable file, an empty secret and one over kMaxSecretBytes, naming the path.
[[nodiscard]] Result<std::string> read_secret_file(const std::string& path);

// A secret given inline must not be empty either; returns the same kind of error.
[[nodiscard]] Status check_secret(std::string_view secret, std::string_view what);

}  // namespace mmids::signing
