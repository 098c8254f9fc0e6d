#pragma once
// Config room: ${NAME} and ${NAME:-default} in values of a node's config file.
// Internal to mmids-core/config.
#include <optional>
#include <string>

#include "mmids-core/config/lexer.hpp"
#include "mmids-core/config/parser.hpp"

namespace mmids::config::detail {

// The text of `piece` with every ${NAME} / ${NAME:-default} replaced from `env`.
// The default is used when NAME is unset or empty, as in a POSIX shell. The result is
// plain text: it is not read as grammar again, so it may hold spaces, '#', braces...
// Returns nullopt after reporting an error (unset variable without a default, a '$'
// that does not start a well-formed reference) on `line`.
std::optional<std::string> expand(const Piece& piece, int line, const EnvironmentLookup& env, Diagnostics& diag);

}  // namespace mmids::config::detail
