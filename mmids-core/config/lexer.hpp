#pragma once
// Config room, first stage: cuts config text into lines and each line into words and
// braces. It knows characters, quoting and comments; blocks and node types are the
// parser's business. Internal to mmids-core/config.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mmids-core/config/definitions.hpp"

namespace mmids::config::detail {

// Longer lines are refused whole: nothing legitimate comes close, and it bounds the
// work and memory any one line can cost.
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;
// After this many errors the rest of the text is not read (a binary file fed as a
// config would otherwise produce one error per line).
inline constexpr std::size_t kMaxErrors = 100;

// Errors and warnings for one source text, in reading order.
class Diagnostics {
 public:
  explicit Diagnostics(std::string_view file) : file_(file) {}

  void error(int line, int column, std::string message);
  void warning(int line, int column, std::string message);
  // Reports a reason to stop reading (it stays the last error) and sets full().
  void give_up(int line, int column, std::string message);
  // The error cap was reached: the caller should stop reading.
  [[nodiscard]] bool full() const { return full_; }
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] SourceLocation at(int line, int column) const { return {file_, line, column}; }

  std::vector<ConfigError> errors;
  std::vector<ConfigError> warnings;

 private:
  std::string file_;
  bool full_ = false;
};

// Characters of a name or key: letters, digits and - _ / \ * . : ,
bool is_name_char(char c);
// Characters of an unquoted value or flag: a name's, plus ? = & (URL queries) and [ ]
// (IPv6 hosts in URLs, as the lookup server answers for an IPv6 ingestion node)
bool is_value_char(char c);
bool is_name(std::string_view text);  // non-empty, name characters only

// `text` made safe to quote in a message: control bytes and invalid UTF-8 become
// \xNN, and long text is cut with "...".
std::string printable(std::string_view text);
// How many columns (UTF-8 code points) `text` spans.
int column_width(std::string_view text);
// Offset of the first byte that is not part of well-formed UTF-8, or npos.
std::size_t find_invalid_utf8(std::string_view text);

// A key or a value of a word, unquoted already, ${...} not yet expanded.
struct Piece {
  std::string text;
  int column = 0;       // where the piece starts on its line (its opening quote, if any)
  int text_column = 0;  // column of text[0]: after the opening quote of a quoted piece
  bool quoted = false;
  bool has_dollar = false;  // only possible when the lexer allows ${...}
};

// A whitespace-separated word: `flag`, `key=value`, `"quoted"`, `key="quoted"`.
// The first unquoted '=' splits key from value; later ones belong to the value.
struct Word {
  Piece key;
  std::optional<Piece> value;
};

enum class TokenKind { word, open_brace, close_brace };

struct Token {
  TokenKind kind = TokenKind::word;
  int column = 0;
  Word word;  // for TokenKind::word
};

struct LexedLine {
  int number = 0;
  std::vector<Token> tokens;
  int end_column = 1;       // column just past the last character of the line
  bool had_errors = false;  // the lexer reported something on this line
};

struct LexOptions {
  // true: `$` may start ${NAME} / ${NAME:-default} (validated on expansion).
  // false: `$` is an invalid character everywhere, even in quoted strings.
  bool allow_env_refs = true;
};

// Hands out the lines of a text one by one; a line ends at \n, \r\n or \r. A UTF-8
// byte order mark at the very start is skipped.
class LineReader {
 public:
  explicit LineReader(std::string_view text);
  // The next line without its terminator; false when the text is used up.
  bool next(std::string_view& line, int& number);
  // Line and column just past the end of the text, for "missing '}'" errors.
  [[nodiscard]] int last_line() const { return last_number_ == 0 ? 1 : last_number_; }
  [[nodiscard]] int last_line_end_column() const { return last_end_column_; }

 private:
  std::string_view rest_;
  int last_number_ = 0;
  int last_end_column_ = 1;
};

// Tokenizes one line (no terminator). Comments are dropped. Errors go to `diag`; the
// line is still tokenized as well as possible, so one bad character does not turn
// into a cascade of structural errors.
LexedLine lex_line(std::string_view line, int number, const LexOptions& options, Diagnostics& diag);

}  // namespace mmids::config::detail
