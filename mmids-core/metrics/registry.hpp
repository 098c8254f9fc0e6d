#pragma once
// mmids-core/metrics: Prometheus metrics on prometheus-cpp, the same way in every program.
// A Registry owns the prometheus::Registry and the families made through it; a Family
// hands out one series per label-value list, up to a bound, so a label fed from the
// outside world (a stream name) cannot grow a scrape without limit. Rendering is
// prometheus-cpp's TextSerializer, served on our own HTTP server (metrics_response): one
// port and one TLS setup per program, not prometheus-cpp's separate civetweb exposer.
#include "mmids-core/http/message.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mmids::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::size_t kDefaultMaxSeries = 1000;

using LabelValues = std::vector<std::string>;  // in the order of the family's label names

// Seconds, 0.5 ms to 2.5 s: HTTP answers, lookups.
[[nodiscard]] std::vector<double> latency_buckets();

// One metric family with bounded label sets. Thread-safe.
template <class Metric>
class Family {
 public:
  Family(prometheus::Family<Metric>& family, std::string name, std::vector<std::string> label_names,
         std::size_t max_series, std::vector<double> buckets = {});

  // The series for values, made on first use; nullptr when the family already holds
  // max_series series (logged once per family). Throws std::invalid_argument when the
  // number of values is not the number of label names: that is a bug, not an input.
  Metric* at(const LabelValues& values = {});
  // Forgets a series (a stream that ended), so it stops being exported.
  void remove(const LabelValues& values);
  [[nodiscard]] std::size_t size() const;

  // Shorthands that do nothing past the bound.
  void inc(const LabelValues& values = {}, double amount = 1)
    requires(!std::is_same_v<Metric, prometheus::Histogram>);
  void set(const LabelValues& values, double value)
    requires std::is_same_v<Metric, prometheus::Gauge>;
  void observe(const LabelValues& values, double value)
    requires std::is_same_v<Metric, prometheus::Histogram>;

 private:
  prometheus::Family<Metric>& family_;
  std::string name_;
  std::vector<std::string> label_names_;
  std::size_t max_series_;
  std::vector<double> buckets_;  // histograms only
  mutable std::mutex mutex_;
  std::map<LabelValues, Metric*> series_;
  bool warned_ = false;
};

using CounterFamily = Family<prometheus::Counter>;
using GaugeFamily = Family<prometheus::Gauge>;
using HistogramFamily = Family<prometheus::Histogram>;

class Registry {
 public:
  Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families live as long as the registry; the references stay valid. A family without
  // labels gets its one series at once, so it is exported (as 0) before first use.
  CounterFamily& counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {},
                         std::size_t max_series = kDefaultMaxSeries);
  GaugeFamily& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {},
                     std::size_t max_series = kDefaultMaxSeries);
  HistogramFamily& histogram(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                             std::vector<double> buckets, std::size_t max_series = kDefaultMaxSeries);

  // The text exposition format 0.0.4 (prometheus-cpp's TextSerializer).
  [[nodiscard]] std::string render() const;
  [[nodiscard]] prometheus::Registry& native() { return *registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
};

// 200, the rendered registry, Content-Type kContentType.
[[nodiscard]] http::Response metrics_response(const Registry& registry);

}  // namespace mmids::metrics
