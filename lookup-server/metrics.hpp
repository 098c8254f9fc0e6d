#pragma once
// lookup-server: counters, gauges and histograms written in the Prometheus text exposition
// format 0.0.4. prometheus-cpp is not packaged in Debian 12, and the lookup server needs
// only this much of it. Not thread-safe: use from the io thread.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmids::lookup::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::string>;  // values, in the order of the family's label names

class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~Family() = default;
  [[nodiscard]] const std::string& name() const { return name_; }
  // "# HELP", "# TYPE" and every sample.
  virtual void render(std::string& out) const = 0;

 protected:
  void check(const Labels& labels) const;  // throws std::invalid_argument on a count mismatch
  [[nodiscard]] std::string label_text(const Labels& labels, std::string_view extra_name = {},
                                       std::string_view extra_value = {}) const;
  void header(std::string& out, std::string_view type) const;

  std::string name_, help_;
  std::vector<std::string> label_names_;
};

class Counter : public Family {
 public:
  using Family::Family;
  void inc(const Labels& labels = {}, double amount = 1);
  [[nodiscard]] double value(const Labels& labels = {}) const;
  void render(std::string& out) const override;

 private:
  std::map<Labels, double> values_;
};

class Gauge : public Family {
 public:
  using Family::Family;
  void set(const Labels& labels, double value);
  void set(double value) { set({}, value); }
  void remove(const Labels& labels);
  [[nodiscard]] double value(const Labels& labels = {}) const;
  void render(std::string& out) const override;

 private:
  std::map<Labels, double> values_;
};

class Histogram : public Family {
 public:
  // bounds: the upper bounds of the buckets, increasing; +Inf is added.
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);
  void observe(const Labels& labels, double value);
  [[nodiscard]] uint64_t count(const Labels& labels = {}) const;
  void render(std::string& out) const override;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // not cumulative; the last one is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  std::vector<double> bounds_;
  std::map<Labels, Series> series_;
};

// Owns families and renders them in the order they were added.
class Registry {
 public:
  Counter& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Gauge& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  Histogram& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bounds);
  [[nodiscard]] std::string render() const;

 private:
  std::vector<std::unique_ptr<Family>> families_;
};

// A sample value as Prometheus writes it: "1", "0.25", "+Inf", "-Inf", "NaN".
std::string format_value(double value);
// Escapes a label value: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

}  // namespace mmids::lookup::metrics
