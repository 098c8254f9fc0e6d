#pragma once
// lookup-server: the [publishers] and [viewers] tables of lookup.toml (who may publish or
// watch a stream; client_auth.hpp acts on them).
#include "lookup-server/config.hpp"

#include <toml++/toml.h>

#include <string>
#include <string_view>

namespace mmids::lookup {

// Applies one table:
//   auth = "open" | "key_file" | "token" | "endpoint"
//   key_file = "keys.txt" | token_secret = "..." | token_secret_file = "..." |
//   endpoint = "https://..." (+ cache_seconds = 10, ca_file = "...")
// Paths are relative to base_dir; a secret file is read now. Throws ConfigError naming the key.
void apply_client_auth_table(const toml::table& table, std::string_view section, const std::string& source,
                             const std::string& base_dir, ClientAuthConfig& auth);

// What the mode needs is there ("[publishers] auth = token needs token_secret ...").
void validate_client_auth(const ClientAuthConfig& auth, std::string_view section);

[[nodiscard]] std::string_view mode_name(ClientAuthConfig::Mode mode);

}  // namespace mmids::lookup
