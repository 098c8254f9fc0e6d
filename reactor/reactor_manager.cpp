#include "reactor/reactor_manager.hpp"

#include "mmids-core/http/url.hpp"
#include "mmids-core/signing/secret_file.hpp"

#include <filesystem>
#include <set>
#include <stdexcept>

namespace mmids::reactor {
namespace {

const std::set<std::string> kChildren = {"url", "ca_file", "secret", "secret_file"};

[[noreturn]] void fail(const config::ReactorDefinition& reactor, const std::string& problem) {
  std::string where;
  if (!reactor.where.file.empty()) where = reactor.where.to_string() + ": ";
  throw std::runtime_error(where + "reactor '" + reactor.name + "': " + problem);
}

void check(const config::ReactorDefinition& reactor) {
  if (reactor.executor != "simple_http")
    fail(reactor, "unknown executor '" + reactor.executor + "' (known: simple_http)");
  for (const auto& [key, value] : reactor.parameters) {
    if (!kChildren.count(key)) fail(reactor, "unknown child '" + key + "' (known: url, ca_file, secret, secret_file)");
  }
  auto url = reactor.parameters.find("url");
  if (url == reactor.parameters.end()) fail(reactor, "needs a 'url' child");
  std::string why;
  if (auto parsed = http::parse_url(url->second); !parsed.ok()) {
    fail(reactor, "bad url '" + url->second + "': " + parsed.error());
  }
  if (auto ca = reactor.parameters.find("ca_file"); ca != reactor.parameters.end()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(ca->second, ec)) fail(reactor, "ca_file '" + ca->second + "' is not a file");
  }
}

// The signing secret of a reactor: the `secret` child, or the contents of `secret_file`
// (read now, trailing newline trimmed); "" when neither is given.
std::string secret_of(const config::ReactorDefinition& reactor) {
  auto inline_secret = reactor.parameters.find("secret");
  auto file = reactor.parameters.find("secret_file");
  if (inline_secret != reactor.parameters.end() && file != reactor.parameters.end()) {
    fail(reactor, "give 'secret' or 'secret_file', not both");
  }
  if (inline_secret != reactor.parameters.end()) {
    if (auto checked = signing::check_secret(inline_secret->second, "secret"); !checked.ok()) fail(reactor, checked.error());
    return inline_secret->second;
  }
  if (file != reactor.parameters.end()) {
    auto secret = signing::read_secret_file(file->second);
    if (!secret.ok()) fail(reactor, secret.error());
    return *secret;
  }
  return {};
}

}  // namespace

ReactorManager::ReactorManager(asio::io_context& io, workflows::WorkflowManager& workflows,
                               const settings::NodeSettings& settings)
    : io_(io), workflows_(workflows), settings_(settings) {}

ReactorManager::~ReactorManager() = default;

void ReactorManager::configure(const std::vector<config::ReactorDefinition>& reactors) {
  std::set<std::string> seen;
  std::map<std::string, std::string> secrets;
  for (const auto& reactor : reactors) {
    check(reactor);
    if (!seen.insert(reactor.name).second) fail(reactor, "defined twice");
    secrets[reactor.name] = secret_of(reactor);
  }

  std::map<std::string, std::unique_ptr<Reactor>> built;
  for (const auto& reactor : reactors) {
    SimpleHttpOptions options = timing_;
    options.url = reactor.parameters.at("url");
    options.bind_address = settings_.bind_address;
    if (auto ca = reactor.parameters.find("ca_file"); ca != reactor.parameters.end()) options.ca_file = ca->second;
    options.secret = secrets.at(reactor.name);
    auto executor = std::make_unique<SimpleHttpExecutor>(io_, reactor.name, options);
    const auto worst_case = executor->worst_case_duration();
    auto built_reactor = std::make_unique<Reactor>(io_, reactor.name, std::move(executor),
                                                   std::chrono::seconds(reactor.update_interval_seconds), workflows_);
    // The executor's own schedule ends every call first; the deadline is the backstop.
    built_reactor->set_answer_deadline(worst_case + std::chrono::seconds(5));
    built_reactor->set_request_observer(observer_);
    spdlog::info("[reactor={}] simple_http {} update_interval={}s{}{}", reactor.name, options.url,
                 reactor.update_interval_seconds, options.bind_address.empty() ? "" : " from " + options.bind_address,
                 options.secret.empty() ? "" : ", signed");
    built.emplace(reactor.name, std::move(built_reactor));
  }
  reactors_ = std::move(built);
}

Reactor* ReactorManager::find(const std::string& name) {
  auto it = reactors_.find(name);
  return it == reactors_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ReactorManager::names() const {
  std::vector<std::string> result;
  for (const auto& [name, reactor] : reactors_) result.push_back(name);
  return result;
}

void ReactorManager::report_source_failure(const std::string& workflow_name) {
  for (auto& [name, reactor] : reactors_) {
    if (auto stream = reactor->stream_of_workflow(workflow_name)) {
      reactor->ask_again_now(*stream);
      return;
    }
  }
  spdlog::debug("[workflow={}] source failed; no reactor created it", workflow_name);
}

void ReactorManager::set_request_observer(Reactor::RequestObserver observer) {
  observer_ = std::move(observer);
  for (auto& [name, reactor] : reactors_) reactor->set_request_observer(observer_);
}

void ReactorManager::set_executor_timing(std::chrono::milliseconds request_timeout,
                                         std::vector<std::chrono::milliseconds> retry_delays) {
  timing_.request_timeout = request_timeout;
  timing_.retry_delays = std::move(retry_delays);
}

}  // namespace mmids::reactor
