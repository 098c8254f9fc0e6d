#include "lookup-server/store.hpp"

#include "lookup-server/memory_store.hpp"
#include "lookup-server/redis_store.hpp"

namespace mmids::lookup {

std::shared_ptr<Store> make_store(boost::asio::io_context& io, const LookupConfig& config) {
  StoreTimes times{config.publisher_ttl, config.watcher_window};
  if (config.store == "memory") return std::make_shared<MemoryStore>(times);
  return std::make_shared<RedisStore>(io, parse_redis_url(config.store), config.redis_key_prefix, times,
                                      config.redis_timeout);
}

}  // namespace mmids::lookup
