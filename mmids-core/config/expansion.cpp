#include "mmids-core/config/expansion.hpp"

namespace mmids::config::detail {

namespace {

// Variable names as a shell knows them: a letter or '_', then letters, digits, '_'.
bool is_variable_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// A default is literal text. Unquoted, it obeys the rules of an unquoted value; in
// either form it cannot hold another reference (no nesting).
bool is_valid_default(std::string_view text, bool quoted) {
  for (char c : text) {
    if (c == '$') return false;
    if (!quoted && !is_value_char(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> expand(const Piece& piece, int line, const EnvironmentLookup& env, Diagnostics& diag) {
  if (!piece.has_dollar) return piece.text;
  std::string_view text = piece.text;
  std::string out;
  bool ok = true;
  std::size_t pos = 0;
  int column = piece.text_column;  // of text[pos]; kept as we go (a line may hold many '$')
  while (pos < text.size() && !diag.full()) {
    std::size_t dollar = text.find('$', pos);
    out.append(text.substr(pos, dollar - pos));
    if (dollar == std::string_view::npos) break;
    column += column_width(text.substr(pos, dollar - pos));
    int reference_column = column;
    auto fail = [&](std::string message) {
      diag.error(line, reference_column, std::move(message));
      ok = false;
    };

    if (dollar + 1 >= text.size() || text[dollar + 1] != '{') {
      fail("'$' must start ${NAME} or ${NAME:-default}");
      pos = dollar + 1;
      column += 1;
      continue;
    }
    std::size_t close = text.find('}', dollar + 2);
    if (close == std::string_view::npos) {
      fail("unterminated '${' (expected '}' after the variable name)");
      break;
    }
    pos = close + 1;
    // Messages below still point at the '$' (reference_column); the next round starts after '}'.
    column += column_width(text.substr(dollar, pos - dollar));
    std::string_view inner = text.substr(dollar + 2, close - dollar - 2);
    std::size_t separator = inner.find(":-");
    std::string_view name = inner.substr(0, separator);
    if (!is_variable_name(name)) {
      fail(name.empty() ? "expected a variable name after '${'"
                        : "invalid variable name '" + printable(name) + "' (letters, digits and '_')");
      continue;
    }
    std::optional<std::string_view> fallback;
    if (separator != std::string_view::npos) {
      fallback = inner.substr(separator + 2);
      if (!is_valid_default(*fallback, piece.quoted)) {
        fail("invalid character in the default of ${" + std::string(name) +
             (piece.quoted ? ":-...} (a default cannot hold '$')" : ":-...} (quote the value to use it)"));
        continue;
      }
    }

    std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (fallback && (!value || value->empty())) {
      out.append(*fallback);
    } else if (!value) {
      fail("environment variable " + std::string(name) + " is not set (write ${" + std::string(name) +
           ":-default} to give a default)");
    } else if (find_invalid_utf8(*value) != std::string::npos) {
      fail("environment variable " + std::string(name) + " is not valid UTF-8");
    } else {
      out.append(*value);
    }
  }
  if (!ok || diag.full()) return std::nullopt;
  return out;
}

}  // namespace mmids::config::detail
