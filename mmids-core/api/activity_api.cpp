#include "mmids-core/api/activity_api.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>

namespace mmids::api {
namespace {

constexpr std::string_view kClientsPrefix = "/clients/";

// Tenths: enough for people reading it, and stable in tests.
double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::round(std::chrono::duration<double>(to - from).count() * 10) / 10;
}

double rounded(double value) { return std::round(value * 10) / 10; }

nlohmann::json stream_to_json(const activity::StreamSnapshot& stream, std::chrono::steady_clock::time_point now) {
  auto viewers = nlohmann::json::array();
  for (const auto& viewer : stream.viewers) viewers.push_back(client_to_json(viewer, now));
  return {{"name", stream.info.name},
          {"source_kind", stream.info.source_kind},
          {"source", stream.info.source},
          {"video", {{"codec", stream.video_codec}, {"width", stream.width}, {"height", stream.height},
                     {"fps", rounded(stream.fps)}}},
          {"audio", {{"codec", stream.audio_codec}}},
          {"bitrate_in_bps", std::round(stream.bitrate_in_bps)},
          {"bitrate_out_bps", std::round(stream.bitrate_out_bps)},
          {"bytes_in", stream.bytes_in},
          {"uptime_seconds", seconds_between(stream.info.since, now)},
          {"pulls", stream.pulls},
          {"viewer_count", stream.viewers.size()},
          {"viewers", std::move(viewers)}};
}

}  // namespace

nlohmann::json client_to_json(const activity::ClientSnapshot& client, std::chrono::steady_clock::time_point now) {
  return {{"id", client.info.id},
          {"role", activity::role_name(client.info.role)},
          {"protocol", client.info.protocol},
          {"address", client.info.address},
          {"app", client.info.app},
          {"stream", client.info.stream},
          {"connected_seconds", seconds_between(client.info.since, now)},
          {"bytes_in", client.counters.bytes_in},
          {"bytes_out", client.counters.bytes_out},
          {"bitrate_out_bps", std::round(client.bitrate_out_bps)},
          {"dropped_frames", client.counters.dropped_frames}};
}

nlohmann::json streams_to_json(const activity::ActivitySnapshot& snapshot) {
  auto list = nlohmann::json::array();
  for (const auto& stream : snapshot.streams) list.push_back(stream_to_json(stream, snapshot.taken));
  return {{"streams", std::move(list)}};
}

nlohmann::json clients_to_json(const activity::ActivitySnapshot& snapshot) {
  auto list = nlohmann::json::array();
  for (const auto& client : snapshot.clients) list.push_back(client_to_json(client, snapshot.taken));
  return {{"clients", std::move(list)}};
}

void add_activity_routes(http::Router& router, activity::NodeActivity& book) {
  router.add("GET", "/streams", [&book](const http::Request&, http::Responder respond) {
    respond(http::Response::json(200, streams_to_json(book.snapshot())));
  });
  router.add("GET", "/clients", [&book](const http::Request&, http::Responder respond) {
    respond(http::Response::json(200, clients_to_json(book.snapshot())));
  });
  router.add_prefix("DELETE", std::string(kClientsPrefix), [&book](const http::Request& request, http::Responder respond) {
    const std::string_view text = std::string_view(request.path).substr(kClientsPrefix.size());
    uint64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
      return respond(http::Response::error(400, "a client id is a number (GET /clients lists them)"));
    }
    if (!book.kick(id, "disconnected through the HTTP API")) {
      return respond(http::Response::error(404, "no client with id " + std::to_string(id)));
    }
    spdlog::info("api: client {} disconnected on request from {}", id, request.peer_address.to_string());
    respond(http::Response::json(200, {{"client", id}, {"result", "disconnected"}}));
  });
}

}  // namespace mmids::api
