#pragma once
// lookup-server: where publishers and the playback nodes that asked for them are kept.
// Every operation answers through a callback on the io thread (the memory store at once,
// the Redis store later); an error text means the store could not be used (-> 503).
#include "lookup-server/config.hpp"
#include "mmids-core/common/asio.hpp"
#include "mmids-core/common/result.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmids::lookup {

template <class T>
using StoreResult = Result<T>;

template <class T>
using StoreCallback = std::function<void(StoreResult<T>)>;

enum class PublishOutcome { created, moved, refreshed };  // new name / new address / same address
// removed / no live entry / the entry belongs to another address (the stream moved)
enum class UnpublishOutcome { removed, unknown, other_owner };

struct Publisher {
  std::string address;                  // the ingestion node's IP address, as text
  std::chrono::milliseconds age{0};     // since this address first published the stream
  std::chrono::milliseconds refreshed_ago{0};
  std::chrono::milliseconds expires_in{0};
};

struct PlaybackNode {
  std::string address;
  std::chrono::milliseconds asked_ago{0};
};

struct StreamEntry {
  std::string stream;
  Publisher publisher;
  std::vector<PlaybackNode> playback_nodes;  // those that asked within the watcher window
};

struct StoreTimes {
  std::chrono::seconds publisher_ttl{180};
  std::chrono::seconds watcher_window{120};
};

class Store {
 public:
  virtual ~Store() = default;
  // Records stream -> address now; the latest publisher wins; refreshes the TTL.
  virtual void publish(const std::string& stream, const std::string& address,
                       StoreCallback<PublishOutcome> done) = 0;
  // The live publisher of stream, if any; when there is one, records that node asked.
  virtual void watch(const std::string& stream, const std::string& node,
                     StoreCallback<std::optional<Publisher>> done) = 0;
  // The publisher of stream is gone: removes its entry (and its watcher list) only when it
  // is recorded at address, so a node that lost a stream to another cannot remove it.
  virtual void unpublish(const std::string& stream, const std::string& address,
                         StoreCallback<UnpublishOutcome> done) = 0;
  // A playback node stopped serving stream; true when it was listed.
  virtual void unwatch(const std::string& stream, const std::string& node, StoreCallback<bool> done) = 0;
  // Every live stream, sorted by name.
  virtual void list(StoreCallback<std::vector<StreamEntry>> done) = 0;
  // How many streams are live (cheaper than list()).
  virtual void count(StoreCallback<std::size_t> done) = 0;
  // Whether the store can be used now.
  virtual void check(StoreCallback<bool> done) = 0;
  // "memory" or "redis://host:port/db" (never a password).
  [[nodiscard]] virtual std::string describe() const = 0;
};

// The store config.store names: "memory" or a redis:// URL (throws ConfigError if neither).
std::shared_ptr<Store> make_store(boost::asio::io_context& io, const LookupConfig& config);

}  // namespace mmids::lookup
