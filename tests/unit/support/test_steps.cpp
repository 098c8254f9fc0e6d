#include "tests/unit/support/test_steps.hpp"

namespace mmids::testing {

TestStep::TestStep(workflows::StepContext context, std::string name, Mode mode, bool pass_through)
    : context_(std::move(context)), name_(std::move(name)), pass_through_(pass_through) {
  live()[name_] = this;
  ++constructed();
  if (mode == Mode::Active) context_.set_active();
  if (mode == Mode::FailLater) {
    context_.set_active();
    context_.set_error("told to fail");
  }
}

TestStep::~TestStep() {
  auto it = live().find(name_);
  if (it != live().end() && it->second == this) live().erase(it);
}

void TestStep::on_media(const media::MediaNotification& notification) {
  received.push_back(notification);
  if (pass_through_) context_.emit(notification);
}

std::map<std::string, TestStep*>& TestStep::live() {
  static std::map<std::string, TestStep*> steps;
  return steps;
}

int& TestStep::constructed() {
  static int count = 0;
  return count;
}

void register_test_steps(workflows::StepRegistry& registry) {
  auto make = [&registry](const std::string& type, TestStep::Mode mode, bool pass_through) {
    registry.add(type, [mode, pass_through](const config::StepDefinition& definition, workflows::StepContext context) {
      workflows::StepArguments args(definition);
      std::string name = args.required("name");
      args.optional("extra");
      args.flag("flag");
      args.reject_unknown();
      return std::make_unique<TestStep>(std::move(context), name, mode, pass_through);
    });
  };
  make("test_source", TestStep::Mode::Active, false);
  make("test_pass", TestStep::Mode::Active, true);
  make("test_sink", TestStep::Mode::Active, false);
  make("test_pending", TestStep::Mode::Pending, true);
  make("test_fail", TestStep::Mode::FailLater, false);
}

}  // namespace mmids::testing
