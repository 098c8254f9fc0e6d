#pragma once
// Test-only step types for engine tests. Each instance registers itself under its
// `name=` argument so a test can reach it (emit media, activate it, read what it got).
#include "mmids-core/workflows/step_registry.hpp"

#include <map>
#include <string>
#include <vector>

namespace mmids::testing {

class TestStep : public workflows::WorkflowStep {
 public:
  enum class Mode { Active, Pending, FailLater };
  TestStep(workflows::StepContext context, std::string name, Mode mode, bool pass_through);
  ~TestStep() override;

  void on_media(const media::MediaNotification& notification) override;
  void shutdown() override { shut_down = true; }

  void emit(const media::MediaNotification& notification) { context_.emit(notification); }
  void activate() { context_.set_active(); }
  void fail(std::string message) { context_.set_error(std::move(message)); }

  std::vector<media::MediaNotification> received;
  bool shut_down = false;

  static std::map<std::string, TestStep*>& live();  // name -> instance
  static int& constructed();                        // instances ever built

 private:
  workflows::StepContext context_;
  std::string name_;
  bool pass_through_;
};

// test_source (active, emits only when told), test_pass (active, forwards), test_sink
// (active, records), test_pending (waits for activate()), test_fail (fails after start).
void register_test_steps(workflows::StepRegistry& registry);

inline TestStep& step(const std::string& name) { return *TestStep::live().at(name); }

}  // namespace mmids::testing
