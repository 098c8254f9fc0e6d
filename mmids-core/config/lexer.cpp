#include "mmids-core/config/lexer.hpp"

#include "mmids-core/common/utf8.hpp"

#include <cstdio>

namespace mmids::config::detail {

namespace {

using utf8::is_continuation;

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) { return utf8::sequence_length(text, pos); }

std::string hex_byte(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", byte);
  return buffer;
}

// Ends an unquoted word. A brace ends it too, so `workflow name{` works as in mmids.
bool ends_word(char c) { return c == ' ' || c == '\t' || c == '#' || c == '{' || c == '}'; }

std::string invalid_character_message(std::string_view line, std::size_t pos) {
  auto byte = static_cast<unsigned char>(line[pos]);
  if (byte == '$')
    return "'$' is not allowed here: ${...} is expanded only in a node's config file";
  if (byte < 0x20 || byte == 0x7F) return "invalid control character " + hex_byte(byte);
  if (byte < 0x80)
    return std::string("invalid character '") + static_cast<char>(byte) + "' (quote the value to use it)";
  if (std::size_t length = utf8_sequence_length(line, pos))
    return "invalid character '" + std::string(line.substr(pos, length)) + "' (quote the value to use it)";
  return "invalid byte " + hex_byte(byte) + " (not UTF-8)";
}

// Walks one line byte by byte, keeping the column (in code points) of the current byte.
class LineLexer {
 public:
  LineLexer(std::string_view line, int number, const LexOptions& options, Diagnostics& diag)
      : line_(line), options_(options), diag_(diag) {
    out_.number = number;
  }

  LexedLine run() {
    out_.end_column = column_width(line_) + 1;
    if (line_.size() > kMaxLineBytes) {
      error(1, "line is longer than " + std::to_string(kMaxLineBytes) + " bytes; it was skipped");
      return std::move(out_);
    }
    while (pos_ < line_.size()) {
      char c = line_[pos_];
      if (c == ' ' || c == '\t') {
        advance();
      } else if (c == '#') {
        break;  // a comment runs to the end of the line, whatever it holds
      } else if (c == '{' || c == '}') {
        out_.tokens.push_back({c == '{' ? TokenKind::open_brace : TokenKind::close_brace, column_, {}});
        advance();
      } else {
        lex_word();
      }
    }
    return std::move(out_);
  }

 private:
  void advance() {
    // A column is a code point: continuation bytes do not start a new one.
    if (pos_ + 1 >= line_.size() || !is_continuation(static_cast<unsigned char>(line_[pos_ + 1]))) ++column_;
    ++pos_;
  }

  void advance_over(std::string_view text) {
    column_ += column_width(text);
    pos_ += text.size();
  }

  void error(int column, std::string message) {
    out_.had_errors = true;
    diag_.error(out_.number, column, std::move(message));
  }

  void lex_word() {
    Token token{TokenKind::word, column_, {}};
    Word& word = token.word;
    Piece* piece = &word.key;
    piece->column = piece->text_column = column_;
    bool reported_invalid = false;  // one bad-character error per word is enough

    while (pos_ < line_.size() && !ends_word(line_[pos_])) {
      char c = line_[pos_];
      if (c == '"') {
        if (!lex_quoted(word, *piece)) break;
      } else if (c == '=' && !word.value) {
        advance();
        piece = &word.value.emplace();
        piece->column = piece->text_column = column_;
      } else if (c == '$') {
        // Without expansion a '$' is an error, but `${...}` is still taken whole so
        // that its braces do not break the line's structure.
        if (!options_.allow_env_refs && !reported_invalid) error(column_, invalid_character_message(line_, pos_));
        reported_invalid = reported_invalid || !options_.allow_env_refs;
        lex_env_reference(*piece);
      } else if (is_value_char(c)) {
        piece->text += c;
        advance();
      } else {
        // Keep the byte in the word: the word still stands where the user put it, and
        // the parser does not pile structural errors on top of this one.
        if (!reported_invalid) error(column_, invalid_character_message(line_, pos_));
        reported_invalid = true;
        piece->text += c;
        advance();
      }
    }
    out_.tokens.push_back(std::move(token));
  }

  // At an opening '"'. Returns false when the string ran to the end of the line.
  bool lex_quoted(const Word& word, Piece& piece) {
    int quote_column = column_;
    bool whole_piece = piece.text.empty() && !piece.quoted;
    if (!whole_piece) error(quote_column, "unexpected '\"' inside a word (quote the whole key or value)");
    piece.quoted = true;
    advance();
    if (whole_piece) piece.text_column = column_;

    std::size_t close = line_.find('"', pos_);
    std::string_view content = line_.substr(pos_, close == std::string_view::npos ? std::string_view::npos : close - pos_);
    if (std::size_t bad = find_invalid_utf8(content); bad != std::string_view::npos)
      error(column_ + column_width(content.substr(0, bad)), "quoted string is not valid UTF-8");
    if (std::size_t dollar = content.find('$'); dollar != std::string_view::npos) {
      if (options_.allow_env_refs)
        piece.has_dollar = true;
      else
        error(column_ + column_width(content.substr(0, dollar)), invalid_character_message(content, dollar));
    }
    piece.text += content;
    advance_over(content);

    if (close == std::string_view::npos) {
      error(quote_column, "unterminated quoted string (expected a closing '\"' on the same line)");
      return false;
    }
    advance();  // the closing quote
    if (pos_ < line_.size()) {
      char next = line_[pos_];
      bool key_then_equals = next == '=' && &piece == &word.key;
      if (!ends_word(next) && !key_then_equals) error(column_, "expected a space after the closing '\"'");
    }
    return true;
  }

  // At a '$': takes `${...}` as one unit so that its braces, '=', ':' or '-' are not
  // read as grammar. Whether it is well formed is checked when it is expanded.
  void lex_env_reference(Piece& piece) {
    if (options_.allow_env_refs) piece.has_dollar = true;
    piece.text += '$';
    advance();
    if (pos_ >= line_.size() || line_[pos_] != '{') return;
    // Braces are counted so that a (refused) nested `${A:-${B}}` stays one unit.
    int depth = 0;
    while (pos_ < line_.size()) {
      char c = line_[pos_];
      if (c == ' ' || c == '\t' || c == '"' || c == '#') return;
      piece.text += c;
      advance();
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) return;
    }
  }

  std::string_view line_;
  const LexOptions& options_;
  Diagnostics& diag_;
  LexedLine out_;
  std::size_t pos_ = 0;
  int column_ = 1;
};

}  // namespace

void Diagnostics::error(int line, int column, std::string message) {
  if (full_) return;
  errors.push_back({at(line, column), std::move(message)});
  if (errors.size() >= kMaxErrors) {
    errors.push_back({at(line, column), "too many errors; the rest was not checked"});
    full_ = true;
  }
}

void Diagnostics::give_up(int line, int column, std::string message) {
  if (full_) return;
  errors.push_back({at(line, column), std::move(message)});
  full_ = true;
}

void Diagnostics::warning(int line, int column, std::string message) {
  if (warnings.size() < kMaxErrors) warnings.push_back({at(line, column), std::move(message)});
}

bool is_name_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '_': case '/': case '\\': case '*': case '.': case ':': case ',':
      return true;
    default:
      return false;
  }
}

bool is_value_char(char c) {
  return is_name_char(c) || c == '?' || c == '=' || c == '&' || c == '[' || c == ']';
}

bool is_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!is_name_char(c)) return false;
  return true;
}

std::string printable(std::string_view text) { return utf8::printable(text, 60); }

int column_width(std::string_view text) {
  // A character is counted where it ends, as LineLexer::advance counts columns, so that
  // stray continuation bytes (invalid UTF-8) are counted alike: with the character
  // before them, or as one at the start (found by fuzz_reactor_answer).
  int width = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i + 1 == text.size() || !is_continuation(static_cast<unsigned char>(text[i + 1]))) ++width;
  return width;
}

std::size_t find_invalid_utf8(std::string_view text) { return utf8::find_invalid(text); }

LineReader::LineReader(std::string_view text) : rest_(text) {
  if (rest_.substr(0, 3) == "\xEF\xBB\xBF") rest_.remove_prefix(3);
}

bool LineReader::next(std::string_view& line, int& number) {
  if (rest_.empty()) return false;
  std::size_t end = rest_.find_first_of("\r\n");
  line = rest_.substr(0, end);
  if (end == std::string_view::npos) {
    rest_ = {};
  } else {
    std::size_t terminator = rest_.compare(end, 2, "\r\n") == 0 ? 2 : 1;
    rest_.remove_prefix(end + terminator);
  }
  number = ++last_number_;
  last_end_column_ = column_width(line) + 1;
  return true;
}

LexedLine lex_line(std::string_view line, int number, const LexOptions& options, Diagnostics& diag) {
  return LineLexer(line, number, options, diag).run();
}

}  // namespace mmids::config::detail
