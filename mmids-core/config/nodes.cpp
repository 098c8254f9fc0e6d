#include "mmids-core/config/nodes.hpp"

#include <algorithm>

#include "mmids-core/config/expansion.hpp"

namespace mmids::config::detail {

namespace {

std::optional<uint32_t> parse_seconds(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t seconds = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + static_cast<uint64_t>(c - '0');
  }
  if (seconds > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(seconds);
}

}  // namespace

bool is_plain(const Word& word) { return !word.key.quoted && !word.value && !word.key.has_dollar; }

std::string word_text(const Word& word) {
  return word.value ? word.key.text + "=" + word.value->text : word.key.text;
}

std::string in_quotes(std::string_view text) { return "'" + printable(text) + "'"; }

Block NodeReader::settings_head(const LineShape& shape) {
  if (shape.words.size() > 1) error(shape.number, shape.words[1].column, "settings takes no arguments");
  Block block;
  block.kind = BlockKind::settings;
  block.label = "settings";
  ++items_;
  return block;
}

Block NodeReader::workflow_head(const LineShape& shape) {
  Block block;
  block.kind = BlockKind::workflow;
  block.label = "workflow";
  block.workflow.where = diag_.at(shape.number, shape.words[0].column);
  ++items_;
  std::optional<std::string> name;
  if (shape.words.size() < 2)
    error(shape.number, shape.tail_column(), "expected a workflow name after 'workflow'");
  else
    name = take_name(shape.number, shape.words[1], "workflow name");
  for (const Token& token : shape.words.subspan(std::min<std::size_t>(2, shape.words.size()))) {
    if (is_plain(token.word) && token.word.key.text == "routed_by_reactor")
      block.workflow.routed_by_reactor = true;
    else
      error(shape.number, token.column,
            "unknown workflow argument " + in_quotes(word_text(token.word)) + " (expected routed_by_reactor)");
  }
  block.discard = !name || !register_name(workflow_lines_, *name, shape.number, shape.words[1].column, "workflow");
  if (name) {
    block.label = "workflow " + in_quotes(*name);
    block.workflow.name = std::move(*name);
  }
  return block;
}

Block NodeReader::reactor_head(const LineShape& shape) {
  Block block;
  block.kind = BlockKind::reactor;
  block.label = "reactor";
  ReactorDefinition& reactor = block.reactor;
  reactor.where = diag_.at(shape.number, shape.words[0].column);
  ++items_;
  std::optional<std::string> name;
  std::size_t first_argument = 1;
  int name_column = shape.words[0].column;  // where "no executor" points without a name
  if (shape.words.size() > 1 && !shape.words[1].word.value) {
    name_column = shape.words[1].column;
    name = take_name(shape.number, shape.words[1], "reactor name");
    first_argument = 2;
  } else {
    error(shape.number, shape.words.size() > 1 ? shape.words[1].column : shape.tail_column(),
          "expected a reactor name after 'reactor'");
  }
  if (name) block.label = "reactor " + in_quotes(*name);

  bool has_executor = false;
  for (const Token& token : shape.words.subspan(first_argument)) {
    const Word& word = token.word;
    std::string_view key = word.key.text;
    if (!word.value || word.key.quoted || (key != "executor" && key != "update_interval")) {
      error(shape.number, token.column,
            "unknown reactor argument " + in_quotes(word_text(word)) + " (expected executor=NAME or update_interval=SECONDS)");
      continue;
    }
    std::optional<std::string> value = take_value(shape.number, word);
    if (key == "executor") {
      has_executor = true;  // which executors exist is the reactor manager's business
      if (value) reactor.executor = std::move(*value);
    } else if (value) {
      if (auto seconds = parse_seconds(*value))
        reactor.update_interval_seconds = *seconds;
      else
        error(shape.number, word.value->column, "update_interval must be a whole number of seconds, found " + in_quotes(*value));
    }
  }
  if (!has_executor) error(shape.number, name_column, block.label + " needs an executor (e.g. executor=simple_http)");

  block.discard = !name || !register_name(reactor_lines_, *name, shape.number, name_column, "reactor");
  if (name) reactor.name = std::move(*name);
  return block;
}

void NodeReader::setting(const LineShape& shape) {
  std::optional<std::string> key = take_child_key(shape.number, shape.words[0], "setting name");
  if (shape.words.size() > 2)
    error(shape.number, shape.words[2].column, "a setting takes at most one value (quote it if it holds spaces)");
  std::optional<std::string> value;  // none: a bare setting
  if (shape.words.size() > 1) {
    value = take_child_value(shape.number, shape.words[1].word);
    if (!value) return;
  }
  if (!key) return;
  ++items_;
  if (config_.settings.contains(*key))
    diag_.warning(shape.number, shape.words[0].column, "setting " + in_quotes(*key) + " is given again; the last one counts");
  config_.settings[*key] = std::move(value);
  config_.setting_locations[*key] = diag_.at(shape.number, shape.words[0].column);
}

void NodeReader::reactor_parameter(const LineShape& shape, Block& block) {
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

void NodeReader::step(const LineShape& shape, Block& block) {
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
  if (!type) return;
  step.type = std::move(*type);
  block.workflow.steps.push_back(std::move(step));
}

void NodeReader::finish(Block& block) {
  if (block.discard) return;
  if (block.kind == BlockKind::workflow) config_.workflows.push_back(std::move(block.workflow));
  if (block.kind == BlockKind::reactor) config_.reactors.push_back(std::move(block.reactor));
}

// A name: node name, step type, child key. Plain name characters, or quoted.
std::optional<std::string> NodeReader::take_name(int line, const Token& token, std::string_view what) {
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
std::optional<std::string> NodeReader::take_key(int line, const Token& token) {
  if (!token.word.key.quoted && token.word.key.text.empty()) {
    error(line, token.column, "expected a key before '='");
    return std::nullopt;
  }
  return checked_key(line, token.word.key, "key");
}

std::optional<std::string> NodeReader::checked_key(int line, const Piece& piece, std::string_view what) {
  if (piece.text.empty()) {
    error(line, piece.column, "a " + std::string(what) + " cannot be empty");
    return std::nullopt;
  }
  if (!piece.quoted) {
    // '?', '&', '[' and ']' pass the lexer (values may hold them) but not a name. Other
    // bad characters were reported by the lexer already.
    std::size_t bad = piece.text.find_first_of("?&[]");
    if (bad != std::string::npos) {
      error(line, piece.text_column + column_width(std::string_view(piece.text).substr(0, bad)),
            std::string("'") + piece.text[bad] + "' is not allowed in a " + std::string(what) + " (quote it to use it)");
      return std::nullopt;
    }
  }
  return piece.text;
}

// The key of a settings or reactor child; `url:` (as the seed writes it) is read as
// `url`, with a warning, where mmids would fail on a key named "url:".
std::optional<std::string> NodeReader::take_child_key(int line, const Token& token, std::string_view what) {
  std::optional<std::string> key = take_name(line, token, what);
  if (key && !token.word.key.quoted && key->size() > 1 && key->back() == ':') {
    key->pop_back();
    diag_.warning(line, token.column,
                  in_quotes(*key + ":") + " accepted as " + in_quotes(*key) + " (a key needs no trailing ':')");
  }
  return key;
}

// The value of a settings or reactor child: the whole word, '=' included, so that
// `url https://h/x?a=b` keeps its query string.
std::optional<std::string> NodeReader::take_child_value(int line, const Word& word) {
  std::optional<std::string> key = expand_piece(line, word.key);
  if (!word.value) return key;
  std::optional<std::string> value = expand_piece(line, *word.value);
  if (!key || !value) return std::nullopt;
  return *key + "=" + *value;
}

// The value of a `key=value` word.
std::optional<std::string> NodeReader::take_value(int line, const Word& word) {
  const Piece& value = *word.value;
  if (!value.quoted && value.text.empty()) {
    error(line, value.column, "expected a value after '=' (write " + printable(word.key.text) + "=\"\" for an empty value)");
    return std::nullopt;
  }
  return expand_piece(line, value);
}

std::optional<std::string> NodeReader::expand_piece(int line, const Piece& piece) {
  if (!mode_.env) return piece.text;  // the lexer let no '$' through
  return expand(piece, line, *mode_.env, diag_);
}

bool NodeReader::register_name(std::map<std::string, int>& seen, const std::string& name, int line, int column,
                               std::string_view what) {
  auto [first, inserted] = seen.emplace(name, line);
  if (!inserted)
    error(line, column,
          "duplicate " + std::string(what) + " name " + in_quotes(name) + " (first defined at line " +
              std::to_string(first->second) + ")");
  return inserted;
}

}  // namespace mmids::config::detail
