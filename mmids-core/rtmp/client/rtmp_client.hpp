#pragma once
// RtmpClient: what the project's RTMP clients share (RtmpPlayClient, RtmpPublishClient):
// the connection (net::connect from the bind address, then TLS verifying the server for
// rtmps://), one deadline from the first connect attempt until the server has started the
// stream (the subclass lifts it then), the write timeout, and stop(), after which no
// handler of the subclass runs.
#include "mmids-core/rtmp/client/rtmp_url.hpp"
#include "mmids-core/rtmp/transport/rtmp_connection.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace mmids::rtmp {

struct ClientConnectPlan {
  std::string bind_address;  // local IP the connection comes from; empty = any
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds write_timeout{10000};
  std::shared_ptr<asio::ssl::context> tls;  // for rtmps; null = system CAs, peer verified
  std::string start_event;                  // what ends the connect phase: "NetStream.Play.Start"
  size_t read_buffer = 4096;                // bytes per read once connected
};

class RtmpClient : public RtmpConnection {
 public:
  void start();
  // Closes the connection; no handler is called afterwards.
  void stop();

 protected:
  RtmpClient(asio::io_context& io, RtmpUrl url, ClientConnectPlan plan);
  ~RtmpClient() override;

  // The transport is connected and about to start: queue the dialogue's first bytes.
  virtual void on_connected() = 0;
  [[nodiscard]] bool stopped() const { return stopped_; }
  [[nodiscard]] const RtmpUrl& url() const { return url_; }

 private:
  asio::awaitable<void> connect();

  asio::io_context& io_;
  RtmpUrl url_;
  ClientConnectPlan plan_;
  bool stopped_ = false;
};

}  // namespace mmids::rtmp
