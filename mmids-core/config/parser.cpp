#include "mmids-core/config/parser.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <span>
#include <tuple>

#include "mmids-core/config/expansion.hpp"
#include "mmids-core/config/lexer.hpp"

namespace mmids::config {

namespace {

using namespace detail;

constexpr std::uintmax_t kMaxFileBytes = 16 * 1024 * 1024;
// Definitions (workflows, steps, parameters, reactors, settings) read from one text.
// Far beyond any real config; it keeps a hostile text from costing ~100x its size in
// memory (a 2-byte step line becomes a whole StepDefinition).
constexpr std::size_t kMaxItems = 100'000;

std::string in_quotes(std::string_view text) { return "'" + printable(text) + "'"; }

// A word as the user wrote it (quotes aside), for messages and for child values.
std::string word_text(const Word& word) {
  return word.value ? word.key.text + "=" + word.value->text : word.key.text;
}

bool is_plain(const Word& word) { return !word.key.quoted && !word.value && !word.key.has_dollar; }

enum class RootKind { none, settings, workflow, reactor };

RootKind root_kind(const Word& word) {
  if (!is_plain(word)) return RootKind::none;
  std::string lower;
  for (char c : word.key.text) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower == "settings") return RootKind::settings;
  if (lower == "workflow") return RootKind::workflow;
  if (lower == "reactor") return RootKind::reactor;
  return RootKind::none;
}

// One line seen as: words, then maybe '{', then maybe '}'.
struct LineShape {
  int number = 0;
  std::span<const Token> words;
  bool opens = false;
  int open_column = 0;
  bool closes = false;
  int close_column = 0;
  int end_column = 1;
  bool had_errors = false;
  // Where to point when something is missing at the end of the head.
  int tail_column() const { return opens ? open_column : end_column; }
};

enum class BlockKind { settings, workflow, reactor, ignored };

struct Block {
  BlockKind kind = BlockKind::ignored;
  std::string label;  // "workflow 'x'", "settings", "'foo' block": for "missing '}'"
  int line = 0;
  bool implicit = false;         // opened although its '{' was missing (reported)
  bool report_unclosed = true;   // false for blocks that only exist to skip an error
  bool has_children = false;
  bool discard = false;          // a duplicate name: read the body, keep nothing
  WorkflowDefinition workflow;
  ReactorDefinition reactor;
};

struct Mode {
  bool node_file = true;                   // settings and reactors allowed
  const EnvironmentLookup* env = nullptr;  // null: no ${...} at all
};

class Parser {
 public:
  Parser(std::string_view source, Mode mode) : diag_(source), mode_(mode) {}

  ParseResult run(std::string_view text) {
    if (text.size() > kMaxFileBytes) {
      diag_.give_up(1, 1, "text is larger than 16 MiB; it was not read");
      return {{}, std::move(diag_.errors), {}};
    }
    LineReader reader(text);
    LexOptions options{mode_.env != nullptr};
    std::string_view line;
    int number = 0;
    while (!diag_.full() && reader.next(line, number)) {
      LexedLine lexed = lex_line(line, number, options, diag_);
      process(lexed);
      if (items_ > kMaxItems)
        diag_.give_up(number, 1, "more than " + std::to_string(kMaxItems) + " definitions; the rest was not read");
    }
    close_all_unclosed(reader.last_line(), reader.last_line_end_column());
    // Within a line, lexer, structure and value errors are found in that order; the
    // user reads top to bottom, left to right. A final "too many errors" stays last.
    sort_by_location(diag_.errors, diag_.full() ? 1 : 0);
    sort_by_location(diag_.warnings, 0);
    return {std::move(config_), std::move(diag_.errors), std::move(diag_.warnings)};
  }

 private:
  void error(int line, int column, std::string message) { diag_.error(line, column, std::move(message)); }

  static void sort_by_location(std::vector<ConfigError>& list, std::size_t keep_last) {
    std::stable_sort(list.begin(), list.end() - static_cast<std::ptrdiff_t>(std::min(keep_last, list.size())),
                     [](const ConfigError& a, const ConfigError& b) {
                       return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
                     });
  }

  void process(const LexedLine& line) {
    const auto& tokens = line.tokens;
    if (tokens.empty()) return;
    LineShape shape{line.number, {}, false, 0, false, 0, line.end_column, line.had_errors};
    std::size_t brace = 0;
    while (brace < tokens.size() && tokens[brace].kind == TokenKind::word) ++brace;
    shape.words = std::span<const Token>(tokens.data(), brace);
    if (brace < tokens.size()) {
      const Token& first = tokens[brace];
      if (first.kind == TokenKind::open_brace) {
        shape.opens = true;
        shape.open_column = first.column;
        if (brace + 1 < tokens.size()) {
          const Token& after = tokens[brace + 1];
          bool just_close = brace + 2 == tokens.size() && after.kind == TokenKind::close_brace;
          error(line.number, after.column,
                just_close ? "'}' must be alone on its line" : "expected the end of the line after '{' (one child per line)");
          if (tokens.back().kind == TokenKind::close_brace) {
            shape.closes = true;
            shape.close_column = tokens.back().column;
          }
        }
      } else {
        shape.closes = true;
        shape.close_column = first.column;
        if (brace > 0)
          error(line.number, first.column, "'}' must be alone on its line");
        else if (tokens.size() > 1)
          error(line.number, tokens[1].column, "expected the end of the line after '}'");
      }
    }
    if (!shape.words.empty() || shape.opens) handle_content(shape);
    if (shape.closes) close_one(shape.number, shape.close_column);
  }

  void handle_content(const LineShape& shape) {
    // A `workflow x {` (or settings/reactor) inside a block means the block's '}' is
    // missing; so does any root keyword line after a block whose '{' was missing.
    // Closing here keeps one forgotten '}' from swallowing the rest of the file.
    if (block_ && !shape.words.empty() && root_kind(shape.words[0].word) != RootKind::none &&
        (shape.opens || block_->implicit))
      close_all_unclosed(shape.number, shape.words[0].column);

    if (!block_) return handle_root(shape);

    if (skipped_depth_ > 0) {  // inside a nested block, already reported: only count braces
      if (shape.opens) ++skipped_depth_;
      return;
    }
    Block& top = *block_;
    if (shape.words.empty()) {  // a '{' alone on its line
      if (top.implicit && !top.has_children) {
        top.implicit = false;  // `workflow x` then `{` on the next line: already reported
        return;
      }
      error(shape.number, shape.open_column, "'{' must be on the same line as the node it opens");
      ++skipped_depth_;
      return;
    }
    top.has_children = true;
    if (shape.opens) {
      static constexpr const char* kWhat[] = {"a setting", "a step", "a reactor parameter"};
      if (top.kind != BlockKind::ignored)
        error(shape.number, shape.open_column,
              std::string(kWhat[static_cast<int>(top.kind)]) + " cannot open a block (blocks do not nest)");
      ++skipped_depth_;
      return;
    }
    switch (top.kind) {
      case BlockKind::settings: return handle_setting(shape);
      case BlockKind::workflow: return handle_step(shape, top);
      case BlockKind::reactor: return handle_reactor_parameter(shape, top);
      case BlockKind::ignored: return;
    }
  }

  void handle_root(const LineShape& shape) {
    if (shape.words.empty()) {
      error(shape.number, shape.open_column, "'{' must be on the same line as the node it opens");
      return open_ignored("'{' block", shape.number, false);
    }
    const Token& head = shape.words[0];
    RootKind kind = root_kind(head.word);
    std::string what = printable(word_text(head.word));
    if (!is_plain(head.word)) {
      error(shape.number, head.column, "expected a node type (settings, workflow or reactor), found " +
                                           std::string(head.word.key.quoted ? "a quoted string" : "'" + what + "'"));
      if (shape.opens) open_ignored("'" + what + "' block", shape.number, true);
      return;
    }
    if (kind == RootKind::none) {
      error(shape.number, head.column, "unknown node type '" + what + "' (expected settings, workflow or reactor)");
      if (shape.opens) open_ignored("'" + what + "' block", shape.number, true);
      return;
    }
    if (!mode_.node_file && kind != RootKind::workflow) {
      error(shape.number, head.column, "a '" + what + "' block is not allowed here: only workflow blocks");
      if (shape.opens) open_ignored("'" + what + "' block", shape.number, true);
      return;
    }

    std::size_t errors_before = diag_.errors.size();
    Block block = kind == RootKind::settings   ? settings_head(shape)
                  : kind == RootKind::workflow ? workflow_head(shape)
                                               : reactor_head(shape);
    block.line = shape.number;
    block.implicit = !shape.opens;
    ++items_;
    // A head that already has an error (or a lexer error) gets no extra complaint.
    if (!shape.opens && !shape.had_errors && diag_.errors.size() == errors_before) {
      const char* after = kind == RootKind::settings   ? "'settings'"
                          : kind == RootKind::workflow ? "workflow name"
                                                       : "reactor arguments";
      error(shape.number, shape.end_column, std::string("expected '{' after ") + after);
    }
    block_ = std::move(block);
  }

  Block settings_head(const LineShape& shape) {
    if (shape.words.size() > 1) error(shape.number, shape.words[1].column, "settings takes no arguments");
    Block block;
    block.kind = BlockKind::settings;
    block.label = "settings";
    return block;
  }

  Block workflow_head(const LineShape& shape) {
    Block block;
    block.kind = BlockKind::workflow;
    block.label = "workflow";
    block.workflow.where = diag_.at(shape.number, shape.words[0].column);
    std::optional<std::string> name;
    if (shape.words.size() < 2)
      error(shape.number, shape.tail_column(), "expected a workflow name after 'workflow'");
    else
      name = take_name(shape.number, shape.words[1], "workflow name");
    for (std::size_t i = 2; i < shape.words.size(); ++i) {
      const Word& word = shape.words[i].word;
      if (is_plain(word) && word.key.text == "routed_by_reactor")
        block.workflow.routed_by_reactor = true;
      else
        error(shape.number, shape.words[i].column,
              "unknown workflow argument " + in_quotes(word_text(word)) + " (expected routed_by_reactor)");
    }
    block.discard = !name;
    if (name) {
      block.label = "workflow " + in_quotes(*name);
      auto [first, inserted] = workflow_lines_.emplace(*name, shape.number);
      if (!inserted) {
        error(shape.number, shape.words[1].column,
              "duplicate workflow name " + in_quotes(*name) + " (first defined at line " + std::to_string(first->second) + ")");
        block.discard = true;
      }
      block.workflow.name = std::move(*name);
    }
    return block;
  }

  Block reactor_head(const LineShape& shape) {
    Block block;
    block.kind = BlockKind::reactor;
    block.label = "reactor";
    ReactorDefinition& reactor = block.reactor;
    reactor.where = diag_.at(shape.number, shape.words[0].column);
    std::optional<std::string> name;
    std::size_t next = 1;
    int name_column = shape.words[0].column;
    if (shape.words.size() > 1 && !shape.words[1].word.value) {
      name_column = shape.words[1].column;
      name = take_name(shape.number, shape.words[1], "reactor name");
      next = 2;
    } else {
      error(shape.number, shape.words.size() > 1 ? shape.words[1].column : shape.tail_column(),
            "expected a reactor name after 'reactor'");
    }

    bool has_executor = false;
    for (std::size_t i = next; i < shape.words.size(); ++i) {
      const Token& token = shape.words[i];
      const Word& word = token.word;
      std::string_view key = word.key.text;
      if (!word.value || word.key.quoted || (key != "executor" && key != "update_interval")) {
        error(shape.number, token.column,
              "unknown reactor argument " + in_quotes(word_text(word)) + " (expected executor=NAME or update_interval=SECONDS)");
        continue;
      }
      std::optional<std::string> value = take_value(shape.number, word);
      if (key == "executor") {
        has_executor = true;
        if (value) reactor.executor = std::move(*value);
      } else if (value) {
        if (auto seconds = parse_seconds(*value))
          reactor.update_interval_seconds = *seconds;
        else
          error(shape.number, word.value->column,
                "update_interval must be a whole number of seconds, found " + in_quotes(*value));
      }
    }
    if (name) block.label = "reactor " + in_quotes(*name);
    if (!has_executor)
      error(shape.number, name_column, block.label + " needs an executor (e.g. executor=simple_http)");

    block.discard = !name;
    if (name) {
      auto [first, inserted] = reactor_lines_.emplace(*name, shape.number);
      if (!inserted) {
        error(shape.number, name_column,
              "duplicate reactor name " + in_quotes(*name) + " (first defined at line " + std::to_string(first->second) + ")");
        block.discard = true;
      }
      reactor.name = std::move(*name);
    }
    return block;
  }

  void handle_setting(const LineShape& shape) {
    std::optional<std::string> key = take_child_key(shape.number, shape.words[0], "setting name");
    if (shape.words.size() > 2)
      error(shape.number, shape.words[2].column, "a setting takes at most one value (quote it if it holds spaces)");
    std::optional<std::string> value;
    if (shape.words.size() > 1) {
      value = take_child_value(shape.number, shape.words[1].word);
      if (!value) return;
    }
    if (!key) return;
    ++items_;
    if (config_.settings.contains(*key))
      diag_.warning(shape.number, shape.words[0].column, "setting " + in_quotes(*key) + " is given again; the last one counts");
    config_.settings[*key] = std::move(value);
  }

  void handle_reactor_parameter(const LineShape& shape, Block& block) {
    std::optional<std::string> key = take_child_key(shape.number, shape.words[0], "reactor parameter name");
    if (!key) return;
    if (shape.words.size() < 2)
      return error(shape.number, shape.end_column, "reactor parameter " + in_quotes(*key) + " needs a value");
    if (shape.words.size() > 2)
      error(shape.number, shape.words[2].column,
            "reactor parameter " + in_quotes(*key) + " takes one value (quote it if it holds spaces)");
    std::optional<std::string> value = take_child_value(shape.number, shape.words[1].word);
    if (!value) return;
    ++items_;
    if (block.reactor.parameters.contains(*key))
      diag_.warning(shape.number, shape.words[0].column,
                    "reactor parameter " + in_quotes(*key) + " is given again; the last one counts");
    block.reactor.parameters[*key] = std::move(*value);
  }

  void handle_step(const LineShape& shape, Block& block) {
    std::optional<std::string> type = take_name(shape.number, shape.words[0], "step type");
    StepDefinition step;
    step.where = diag_.at(shape.number, shape.words[0].column);
    for (const Token& token : shape.words.subspan(1)) {
      const Word& word = token.word;
      if (word.key.has_dollar) {
        error(shape.number, token.column, "${...} is expanded only in values, not in a key or flag");
        continue;
      }
      if (!word.value) {  // a flag; a quoted flag is a key holding spaces
        if (word.key.text.empty())
          error(shape.number, token.column, "a flag cannot be empty");
        else
          step.parameters[word.key.text] = std::nullopt;  // a repeated key: the last one counts
        continue;
      }
      std::optional<std::string> key = take_key(shape.number, token);
      std::optional<std::string> value = take_value(shape.number, word);
      if (key && value) step.parameters[*key] = std::move(*value);
    }
    items_ += 1 + step.parameters.size();
    if (type) {
      step.type = std::move(*type);
      block.workflow.steps.push_back(std::move(step));
    }
  }

  // A name: node name, step type, child key. Plain name characters, or quoted.
  std::optional<std::string> take_name(int line, const Token& token, std::string_view what) {
    const Word& word = token.word;
    if (word.key.has_dollar) {
      error(line, token.column, "${...} is expanded only in values, not in a " + std::string(what));
      return std::nullopt;
    }
    if (word.value) {
      error(line, token.column, "expected a " + std::string(what) + ", found " + in_quotes(word_text(word)));
      return std::nullopt;
    }
    return checked_key(line, word.key, what);
  }

  // The key of a `key=value` word.
  std::optional<std::string> take_key(int line, const Token& token) {
    if (!token.word.key.quoted && token.word.key.text.empty()) {
      error(line, token.column, "expected a key before '='");
      return std::nullopt;
    }
    return checked_key(line, token.word.key, "key");
  }

  std::optional<std::string> checked_key(int line, const Piece& piece, std::string_view what) {
    if (piece.text.empty()) {
      error(line, piece.column, "a " + std::string(what) + " cannot be empty");
      return std::nullopt;
    }
    if (!piece.quoted) {
      // '?' and '&' pass the lexer (values may hold them) but not a name. Other bad
      // characters were reported by the lexer already.
      for (std::size_t i = 0; i < piece.text.size(); ++i) {
        char c = piece.text[i];
        if (c == '?' || c == '&') {
          error(line, piece.text_column + column_width(std::string_view(piece.text).substr(0, i)),
                std::string("'") + c + "' is not allowed in a " + std::string(what) + " (quote it to use it)");
          return std::nullopt;
        }
      }
    }
    return piece.text;
  }

  // The key of a settings or reactor child; `url:` is read as `url`, with a warning.
  std::optional<std::string> take_child_key(int line, const Token& token, std::string_view what) {
    std::optional<std::string> key = take_name(line, token, what);
    if (key && !token.word.key.quoted && key->size() > 1 && key->back() == ':') {
      key->pop_back();
      diag_.warning(line, token.column,
                    in_quotes(*key + ":") + " accepted as " + in_quotes(*key) + " (a key needs no trailing ':')");
    }
    return key;
  }

  // The value of a settings or reactor child: the whole word, '=' included.
  std::optional<std::string> take_child_value(int line, const Word& word) {
    std::optional<std::string> key = expand_piece(line, word.key);
    if (!word.value) return key;
    std::optional<std::string> value = expand_piece(line, *word.value);
    if (!key || !value) return std::nullopt;
    return *key + "=" + *value;
  }

  // The value of a `key=value` word.
  std::optional<std::string> take_value(int line, const Word& word) {
    const Piece& value = *word.value;
    if (!value.quoted && value.text.empty()) {
      error(line, value.column,
            "expected a value after '=' (write " + printable(word.key.text) + "=\"\" for an empty value)");
      return std::nullopt;
    }
    return expand_piece(line, value);
  }

  std::optional<std::string> expand_piece(int line, const Piece& piece) {
    if (!mode_.env) return piece.text;  // the lexer let no '$' through
    return expand(piece, line, *mode_.env, diag_);
  }

  static std::optional<uint32_t> parse_seconds(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    uint64_t seconds = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      seconds = seconds * 10 + static_cast<uint64_t>(c - '0');
    }
    if (seconds > UINT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(seconds);
  }

  // A root block whose content is skipped (its head was already reported).
  void open_ignored(std::string label, int line, bool report_unclosed) {
    block_.emplace();
    block_->label = std::move(label);
    block_->line = line;
    block_->report_unclosed = report_unclosed;
  }

  void finish(Block& block) {
    if (block.discard) return;
    if (block.kind == BlockKind::workflow) config_.workflows.push_back(std::move(block.workflow));
    if (block.kind == BlockKind::reactor) config_.reactors.push_back(std::move(block.reactor));
  }

  void close_one(int line, int column) {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
    } else if (block_) {
      finish(*block_);
      block_.reset();
    } else {
      error(line, column, "'}' with no open block");
    }
  }

  // Closes the open block (and anything nested in it), reporting each whose '}' is missing at (line, column).
  void close_all_unclosed(int line, int column) {
    skipped_depth_ = 0;  // nested blocks were reported when they opened
    if (!block_) return;
    if (!block_->implicit && block_->report_unclosed)
      error(line, column, "missing '}' for " + block_->label + " opened at line " + std::to_string(block_->line));
    finish(*block_);
    block_.reset();
  }

  Diagnostics diag_;
  Mode mode_;
  NodeConfig config_;
  // Blocks do not nest: at most one is open. Braces of (reported) nested blocks inside
  // it are only counted, so no input can build up a deep structure.
  std::optional<Block> block_;
  std::size_t skipped_depth_ = 0;
  std::size_t items_ = 0;  // definitions read so far, against kMaxItems
  std::map<std::string, int> workflow_lines_;
  std::map<std::string, int> reactor_lines_;
};

}  // namespace

EnvironmentLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

ParseResult parse_node_config(std::string_view text, std::string_view file_name, const EnvironmentLookup& env) {
  return Parser(file_name, Mode{true, &env}).run(text);
}

ParseResult parse_workflows(std::string_view text, std::string_view source_name) {
  return Parser(source_name, Mode{false, nullptr}).run(text);
}

ParseResult parse_config_file(const std::filesystem::path& path) {
  auto failure = [&](std::string reason) {
    ParseResult result;
    result.errors.push_back({{path.string(), 0, 0}, "cannot read config file: " + reason});
    return result;
  };
  std::error_code ec;
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return failure(ec.message());
  if (size > kMaxFileBytes) return failure("larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return failure(std::strerror(errno));
  std::string text(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) return failure("read error");
  return parse_node_config(text, path.string());
}

}  // namespace mmids::config
