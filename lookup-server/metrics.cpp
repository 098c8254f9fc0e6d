#include "lookup-server/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mmids::lookup::metrics {

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

Family::Family(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Family::check(const Labels& labels) const {
  if (labels.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + " takes " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(labels.size()));
  }
}

std::string Family::label_text(const Labels& labels, std::string_view extra_name,
                               std::string_view extra_value) const {
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += (out.empty() ? "" : ",") + label_names_[i] + "=\"" + escape_label_value(labels[i]) + "\"";
  }
  if (!extra_name.empty()) {
    out += (out.empty() ? "" : ",") + std::string(extra_name) + "=\"" + escape_label_value(extra_value) + "\"";
  }
  return out.empty() ? out : "{" + out + "}";
}

void Family::header(std::string& out, std::string_view type) const {
  out += "# HELP " + name_ + " " + escape_help(help_) + "\n";
  out += "# TYPE " + name_ + " " + std::string(type) + "\n";
}

void Counter::inc(const Labels& labels, double amount) {
  check(labels);
  if (amount < 0) throw std::invalid_argument("counter " + name_ + " cannot decrease");
  values_[labels] += amount;
}

double Counter::value(const Labels& labels) const {
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Counter::render(std::string& out) const {
  header(out, "counter");
  for (const auto& [labels, value] : values_) out += name_ + label_text(labels) + " " + format_value(value) + "\n";
}

void Gauge::set(const Labels& labels, double value) {
  check(labels);
  values_[labels] = value;
}

void Gauge::remove(const Labels& labels) { values_.erase(labels); }

double Gauge::value(const Labels& labels) const {
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Gauge::render(std::string& out) const {
  header(out, "gauge");
  for (const auto& [labels, value] : values_) out += name_ + label_text(labels) + " " + format_value(value) + "\n";
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : Family(std::move(name), std::move(help), std::move(label_names)), bounds_(std::move(bounds)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::invalid_argument("histogram " + name_ + " bounds must increase");
  }
}

void Histogram::observe(const Labels& labels, double value) {
  check(labels);
  auto& series = series_[labels];
  if (series.buckets.empty()) series.buckets.assign(bounds_.size() + 1, 0);
  auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++series.buckets[static_cast<std::size_t>(bucket)];
  series.sum += value;
  ++series.count;
}

uint64_t Histogram::count(const Labels& labels) const {
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::render(std::string& out) const {
  header(out, "histogram");
  for (const auto& [labels, series] : series_) {
    uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += series.buckets[i];
      std::string le = i < bounds_.size() ? format_value(bounds_[i]) : "+Inf";
      out += name_ + "_bucket" + label_text(labels, "le", le) + " " + std::to_string(cumulative) + "\n";
    }
    out += name_ + "_sum" + label_text(labels) + " " + format_value(series.sum) + "\n";
    out += name_ + "_count" + label_text(labels) + " " + std::to_string(series.count) + "\n";
  }
}

Counter& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
  auto family = std::make_unique<Counter>(std::move(name), std::move(help), std::move(label_names));
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Gauge& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
  auto family = std::make_unique<Gauge>(std::move(name), std::move(help), std::move(label_names));
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Histogram& Registry::histogram(std::string name, std::string help, std::vector<std::string> label_names,
                               std::vector<double> bounds) {
  auto family = std::make_unique<Histogram>(std::move(name), std::move(help), std::move(label_names),
                                            std::move(bounds));
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

std::string Registry::render() const {
  std::string out;
  for (const auto& family : families_) family->render(out);
  return out;
}

}  // namespace mmids::lookup::metrics
