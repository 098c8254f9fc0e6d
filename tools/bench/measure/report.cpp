#include "tools/bench/measure/report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace mmids::bench {
namespace {

bool is_distribution(const Json& value) { return value.is_object() && value.contains("p99"); }
bool is_per_client(const std::string& key) { return key.starts_with("per_") && key != "per_player_mbps"; }

std::string number_text(const Json& value) {
  if (!value.is_number_float()) return value.dump();
  const double number = value.get<double>();
  char text[32];
  // Three significant decimals below 10, fewer above: enough for every figure here.
  std::snprintf(text, sizeof text, std::fabs(number) >= 100 ? "%.0f" : std::fabs(number) >= 10 ? "%.1f" : "%.3g",
                number);
  return text;
}

std::string value_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return number_text(value);
  if (is_distribution(value)) {
    if (value["count"].get<uint64_t>() == 0) return "none";
    return "p50 " + number_text(value["p50"]) + "  p90 " + number_text(value["p90"]) + "  p99 " +
           number_text(value["p99"]) + "  max " + number_text(value["max"]) + "  (n=" + value["count"].dump() + ")";
  }
  if (value.is_object()) {
    std::string text;
    for (const auto& [key, item] : value.items()) text += (text.empty() ? "" : "  ") + key + "=" + value_text(item);
    return text.empty() ? "none" : text;
  }
  return value.dump();
}

}  // namespace

Json to_json(const Distribution& d) {
  return {{"count", d.count}, {"min", d.min}, {"p50", d.p50}, {"p90", d.p90}, {"p99", d.p99}, {"max", d.max}};
}

Json to_json(const std::map<std::string, uint64_t>& counts) {
  auto result = Json::object();
  for (const auto& [key, count] : counts) result[key] = count;
  return result;
}

std::string render_text(const Json& summary) {
  std::ostringstream out;
  for (const auto& [key, value] : summary.items()) {
    if (is_per_client(key)) continue;
    if (value.is_array()) {
      for (const auto& item : value) out << key << ": " << value_text(item) << "\n";
      continue;
    }
    out << key << ": " << value_text(value) << "\n";
  }
  return out.str();
}

}  // namespace mmids::bench
