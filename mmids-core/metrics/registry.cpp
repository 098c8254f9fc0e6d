#include "mmids-core/metrics/registry.hpp"

#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>

namespace mmids::metrics {

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
}

template <class Metric>
Family<Metric>::Family(prometheus::Family<Metric>& family, std::string name, std::vector<std::string> label_names,
                       std::size_t max_series, std::vector<double> buckets)
    : family_(family), name_(std::move(name)), label_names_(std::move(label_names)), max_series_(max_series),
      buckets_(std::move(buckets)) {}

template <class Metric>
Metric* Family<Metric>::at(const LabelValues& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + " has " + std::to_string(label_names_.size()) +
                                " labels, given " + std::to_string(values.size()) + " values");
  }
  std::lock_guard lock(mutex_);
  if (auto it = series_.find(values); it != series_.end()) return it->second;
  if (series_.size() >= max_series_) {
    if (!warned_) {
      spdlog::warn("metric {} holds {} series, its limit: new label values are not exported", name_, max_series_);
      warned_ = true;
    }
    return nullptr;
  }
  prometheus::Labels labels;
  for (std::size_t i = 0; i < values.size(); ++i) labels.emplace(label_names_[i], values[i]);
  Metric* metric = nullptr;
  if constexpr (std::is_same_v<Metric, prometheus::Histogram>) {
    metric = &family_.Add(labels, buckets_);
  } else {
    metric = &family_.Add(labels);
  }
  series_.emplace(values, metric);
  return metric;
}

template <class Metric>
void Family<Metric>::remove(const LabelValues& values) {
  std::lock_guard lock(mutex_);
  auto it = series_.find(values);
  if (it == series_.end()) return;
  family_.Remove(it->second);
  series_.erase(it);
}

template <class Metric>
std::size_t Family<Metric>::size() const {
  std::lock_guard lock(mutex_);
  return series_.size();
}

template <class Metric>
void Family<Metric>::inc(const LabelValues& values, double amount)
  requires(!std::is_same_v<Metric, prometheus::Histogram>)
{
  if (auto* metric = at(values)) metric->Increment(amount);
}

template <class Metric>
void Family<Metric>::set(const LabelValues& values, double value)
  requires std::is_same_v<Metric, prometheus::Gauge>
{
  if (auto* metric = at(values)) metric->Set(value);
}

template <class Metric>
void Family<Metric>::observe(const LabelValues& values, double value)
  requires std::is_same_v<Metric, prometheus::Histogram>
{
  if (auto* metric = at(values)) metric->Observe(value);
}

template class Family<prometheus::Counter>;
template class Family<prometheus::Gauge>;
template class Family<prometheus::Histogram>;

namespace {

template <class Metric, class Builder>
Family<Metric>& make(std::vector<std::unique_ptr<Family<Metric>>>& owned, Builder builder, prometheus::Registry& registry,
                     const std::string& name, const std::string& help, std::vector<std::string> label_names,
                     std::size_t max_series, std::vector<double> buckets = {}) {
  auto& native = builder.Name(name).Help(help).Register(registry);
  const bool plain = label_names.empty();
  owned.push_back(std::make_unique<Family<Metric>>(native, name, std::move(label_names), max_series, std::move(buckets)));
  if (plain) owned.back()->at();  // no labels to wait for: exported (as 0) at once
  return *owned.back();
}

}  // namespace

Registry::Registry() : registry_(std::make_shared<prometheus::Registry>()) {}

CounterFamily& Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                                 std::size_t max_series) {
  return make(counters_, prometheus::BuildCounter(), *registry_, name, help, std::move(label_names), max_series);
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                             std::size_t max_series) {
  return make(gauges_, prometheus::BuildGauge(), *registry_, name, help, std::move(label_names), max_series);
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names, std::vector<double> buckets,
                                     std::size_t max_series) {
  return make(histograms_, prometheus::BuildHistogram(), *registry_, name, help, std::move(label_names), max_series,
              std::move(buckets));
}

std::string Registry::render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

http::Response metrics_response(const Registry& registry) {
  auto response = http::Response::text(200, registry.render());
  response.content_type = std::string(kContentType);
  return response;
}

}  // namespace mmids::metrics
