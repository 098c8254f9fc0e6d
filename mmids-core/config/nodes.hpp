#pragma once
// Config room, second stage (meaning): what the words of a head line or a child line
// mean for each node type (settings, workflow, reactor), turned into definitions.
// The block structure around them (braces, recovery) is parser.cpp's business.
// Internal to mmids-core/config.
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "mmids-core/config/definitions.hpp"
#include "mmids-core/config/lexer.hpp"
#include "mmids-core/config/parser.hpp"

namespace mmids::config::detail {

// One line seen as: words, then maybe '{', then maybe '}'.
struct LineShape {
  int number = 0;
  std::span<const Token> words;
  bool opens = false;
  int open_column = 0;
  bool closes = false;
  int close_column = 0;
  int end_column = 1;
  bool had_errors = false;  // the lexer reported something on this line
  // Where to point when something is missing at the end of a head line.
  [[nodiscard]] int tail_column() const { return opens ? open_column : end_column; }
};

enum class BlockKind { settings, workflow, reactor, ignored };

// An open root block and what it has gathered so far.
struct Block {
  BlockKind kind = BlockKind::ignored;
  std::string label;  // "workflow 'x'", "settings", "'foo' block": for "missing '}'"
  int line = 0;
  bool implicit = false;        // opened although its '{' was missing (reported)
  bool report_unclosed = true;  // false for blocks that only exist to skip an error
  bool has_children = false;
  bool discard = false;  // a duplicate or missing name: read the body, keep nothing
  WorkflowDefinition workflow;
  ReactorDefinition reactor;
};

struct Mode {
  bool node_file = true;                   // settings and reactors allowed
  const EnvironmentLookup* env = nullptr;  // null: no ${...} at all
};

bool is_plain(const Word& word);  // unquoted, no '=', no '$': a bare name
std::string word_text(const Word& word);  // as written (quotes aside)
std::string in_quotes(std::string_view text);  // 'text', made printable

class NodeReader {
 public:
  NodeReader(Diagnostics& diag, Mode mode, NodeConfig& config) : diag_(diag), mode_(mode), config_(config) {}

  // Head lines (words[0] is the node type). The returned block collects the children.
  Block settings_head(const LineShape& shape);
  Block workflow_head(const LineShape& shape);
  Block reactor_head(const LineShape& shape);

  // Child lines of each block kind.
  void setting(const LineShape& shape);
  void step(const LineShape& shape, Block& block);
  void reactor_parameter(const LineShape& shape, Block& block);

  // A block was closed: its definition joins the config (unless discarded).
  void finish(Block& block);

  // Definitions read so far, to cap what a hostile text can make us hold.
  [[nodiscard]] std::size_t items() const { return items_; }

 private:
  void error(int line, int column, std::string message) { diag_.error(line, column, std::move(message)); }
  std::optional<std::string> take_name(int line, const Token& token, std::string_view what);
  std::optional<std::string> take_key(int line, const Token& token);
  std::optional<std::string> checked_key(int line, const Piece& piece, std::string_view what);
  std::optional<std::string> take_child_key(int line, const Token& token, std::string_view what);
  std::optional<std::string> take_child_value(int line, const Word& word);
  std::optional<std::string> take_value(int line, const Word& word);
  std::optional<std::string> expand_piece(int line, const Piece& piece);
  bool register_name(std::map<std::string, int>& seen, const std::string& name, int line, int column,
                     std::string_view what);

  Diagnostics& diag_;
  Mode mode_;
  NodeConfig& config_;
  std::size_t items_ = 0;
  std::map<std::string, int> workflow_lines_;  // name -> line of its first definition
  std::map<std::string, int> reactor_lines_;
};

}  // namespace mmids::config::detail
