#pragma once
// How a run's summary is shown: the JSON object every mode builds (what --json prints and
// the bench/ scripts parse), and the same object as a few lines of text for a terminal.
#include "tools/bench/measure/percentiles.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace mmids::bench {

// Insertion-ordered: the text and JSON show figures in the order they were built.
using Json = nlohmann::ordered_json;

// {"count", "min", "p50", "p90", "p99", "max"}.
[[nodiscard]] Json to_json(const Distribution& distribution);
// {"cause": count, ...}
[[nodiscard]] Json to_json(const std::map<std::string, uint64_t>& counts);

// One line per top-level entry: distributions as "p50 .. p90 .. p99 .. max .. (n)",
// objects as "key=value" pairs, arrays of objects one line each; per-client arrays
// ("per_player", "per_publisher") are left to the JSON.
[[nodiscard]] std::string render_text(const Json& summary);

}  // namespace mmids::bench
