#pragma once
// The step interface: what every workflow step type implements, and the context
// through which a step talks back to its workflow (emit media downstream, report
// that it is active or failed). SPEC.md section 4.
#include "mmids-core/common/asio.hpp"
#include "mmids-core/config/definitions.hpp"
#include "mmids-core/logging/log.hpp"
#include "mmids-core/media/notification.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace mmids::workflows {

class Workflow;
struct StepInstance;  // a workflow's record of one of its steps

// Thrown by a step factory when the step's arguments are unknown, missing or bad.
// The message names the argument; the workflow adds the step.
class StepArgumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The link between one step instance and its workflow. The workflow cuts the link
// when it removes the step, so late callbacks (timers, sockets) of a removed step
// can call these safely: they simply do nothing.
class StepContext {
 public:
  StepContext(asio::io_context& io, log::Fields fields, std::string workflow_name);

  asio::io_context& io() const { return *io_; }
  const log::Fields& fields() const { return fields_; }  // [workflow=.. step=..]
  const std::string& workflow_name() const { return workflow_name_; }

  // Sends a notification to the next step (or out of the workflow after the last).
  void emit(const media::MediaNotification& notification) const;
  // The step is ready (e.g. its listener is registered). A workflow runs when all are.
  void set_active() const;
  // The step cannot work; the workflow goes into error with this message.
  void set_error(std::string message) const;
  // False once the workflow removed the step.
  [[nodiscard]] bool connected() const;

 private:
  friend class Workflow;
  friend struct StepInstance;
  // Both held weakly: a gone workflow locks to nothing, and a removed step's record is
  // let go of here (the workflow resets `instance`), so its late callbacks do nothing.
  struct Link {
    std::weak_ptr<Workflow> workflow;
    std::weak_ptr<StepInstance> instance;
  };
  asio::io_context* io_;
  log::Fields fields_;
  std::string workflow_name_;
  std::shared_ptr<Link> link_ = std::make_shared<Link>();
};

class WorkflowStep {
 public:
  virtual ~WorkflowStep() = default;
  // Media from the step before (or routed into this step). Output goes through the
  // StepContext given at construction, now or later.
  virtual void on_media(const media::MediaNotification& notification) = 0;
  // The step is being removed: release registrations, close connections. Nothing
  // emitted after this reaches anyone.
  virtual void shutdown() {}
};

// Reads a step's arguments with errors that name the argument, and refuses unknown ones.
class StepArguments {
 public:
  explicit StepArguments(const config::StepDefinition& definition);

  // The value of a key=value argument; StepArgumentError when absent or a bare flag.
  std::string required(const std::string& key);
  // The value if given; StepArgumentError when given as a bare flag.
  std::optional<std::string> optional(const std::string& key);
  // True when the bare flag (or key=anything) is present.
  bool flag(const std::string& key);
  // An unsigned integer argument within [min, max].
  std::optional<uint64_t> optional_number(const std::string& key, uint64_t min, uint64_t max);
  // A duration in seconds (fractions allowed) from 0 to max_seconds.
  std::optional<std::chrono::milliseconds> optional_seconds(const std::string& key, double max_seconds = 3600);
  // Throws StepArgumentError naming every argument not read by the calls above.
  void reject_unknown() const;

 private:
  const config::StepDefinition& definition_;
  std::vector<std::string> known_;
};

}  // namespace mmids::workflows
