#include "mmids-core/config/parser.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <tuple>

#include "mmids-core/config/lexer.hpp"
#include "mmids-core/config/nodes.hpp"

namespace mmids::config {

namespace {

using namespace detail;

constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{16} * 1024 * 1024;
// Definitions (workflows, steps, parameters, reactors, settings) read from one text.
// Far beyond any real config; it keeps a hostile text from costing ~100x its size in
// memory (a 2-byte step line becomes a whole StepDefinition).
constexpr std::size_t kMaxItems = 100'000;

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

// The block structure: which lines open and close blocks, which block a child line
// belongs to, and recovery from broken structure, so that one mistake costs one error.
// What the words mean is NodeReader's business.
class Parser {
 public:
  Parser(std::string_view source, Mode mode) : diag_(source), mode_(mode), nodes_(diag_, mode, config_) {}

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
      if (nodes_.items() > kMaxItems)
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
      case BlockKind::settings: return nodes_.setting(shape);
      case BlockKind::workflow: return nodes_.step(shape, top);
      case BlockKind::reactor: return nodes_.reactor_parameter(shape, top);
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
    Block block = kind == RootKind::settings   ? nodes_.settings_head(shape)
                  : kind == RootKind::workflow ? nodes_.workflow_head(shape)
                                               : nodes_.reactor_head(shape);
    block.line = shape.number;
    block.implicit = !shape.opens;
    // A head that already has an error (or a lexer error) gets no extra complaint.
    if (!shape.opens && !shape.had_errors && diag_.errors.size() == errors_before) {
      const char* after = kind == RootKind::settings   ? "'settings'"
                          : kind == RootKind::workflow ? "workflow name"
                                                       : "reactor arguments";
      error(shape.number, shape.end_column, std::string("expected '{' after ") + after);
    }
    block_ = std::move(block);
  }

  // A root block whose content is skipped (its head was already reported).
  void open_ignored(std::string label, int line, bool report_unclosed) {
    block_.emplace();
    block_->label = std::move(label);
    block_->line = line;
    block_->report_unclosed = report_unclosed;
  }

  void close_one(int line, int column) {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
    } else if (block_) {
      nodes_.finish(*block_);
      block_.reset();
    } else {
      error(line, column, "'}' with no open block");
    }
  }

  // Closes the open block (and anything nested in it); a '}' found missing is reported at (line, column).
  void close_all_unclosed(int line, int column) {
    skipped_depth_ = 0;  // nested blocks were reported when they opened
    if (!block_) return;
    if (!block_->implicit && block_->report_unclosed)
      error(line, column, "missing '}' for " + block_->label + " opened at line " + std::to_string(block_->line));
    nodes_.finish(*block_);
    block_.reset();
  }

  Diagnostics diag_;
  Mode mode_;
  NodeConfig config_;
  NodeReader nodes_;
  // Blocks do not nest: at most one is open. Braces of (reported) nested blocks inside
  // it are only counted, so no input can build up a deep structure.
  std::optional<Block> block_;
  std::size_t skipped_depth_ = 0;
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
  auto failure = [&](const std::string& reason) {
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
