#include "mmids-core/http_viewers/hls_service.hpp"

#include "mmids-core/endpoint/connection_ids.hpp"
#include "mmids-core/http_viewers/hls_answers.hpp"
#include "mmids-core/http_viewers/viewer_headers.hpp"

#include <charconv>

namespace mmids::http_viewers {
namespace {

constexpr size_t kTokenBytes = 16;
constexpr size_t kMaxTokenLength = 64;
constexpr uint64_t kUnknownBandwidth = 2'000'000;  // before any segment: a guess players ignore with one variant
constexpr std::chrono::seconds kSweepInterval{1};

bool valid_token(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return false;
  for (char c : token)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

template <typename Number>
std::optional<Number> number_param(const std::string& query, std::string_view name) {
  auto text = query_value(query, name);
  if (!text) return std::nullopt;
  Number value{};
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

}  // namespace

void HlsSession::end(std::string_view reason) {
  if (auto state = server.lock(); state && state->hls) state->hls->end_session(*this, reason);
}

HlsService::HlsService(HttpViewerServer::State& server) : server_(server), sweep_timer_(server.io) {}

HlsService::~HlsService() {
  auto sessions = sessions_;
  for (auto& [token, session] : sessions) end_session(*session, "server stopped");
}

void HlsService::playlist(uint16_t port, const ViewerPath& path, const http::Request& request,
                          http::Responder respond) {
  auto token = query_value(request.query, "session");
  if (token && !valid_token(*token)) return respond(viewer_error(400, "bad session token"));
  std::shared_ptr<HlsSession> session;
  if (token) {
    auto it = sessions_.find(*token);
    if (it != sessions_.end()) session = it->second;
    if (session && (session->request.port != port || session->request.app != path.app ||
                    session->request.stream_key != path.key)) {
      return respond(viewer_error(400, "the session belongs to another stream"));
    }
  }
  const bool multivariant = !token;
  if (!session) {
    // A new player, or one whose session ended (a tab that slept): a session again, approved again.
    http::Response refusal;
    session = open_session(port, path, request, token.value_or(random_hex(kTokenBytes)), refusal);
    if (!session) return respond(std::move(refusal));
  }
  session->last_seen = std::chrono::steady_clock::now();
  when_approved(*session, [this, weak = std::weak_ptr(session), multivariant, request,
                           respond = std::move(respond)](bool approved) mutable {
    auto live = weak.lock();
    if (!approved || !live) return respond(viewer_error(404, "stream not found"));
    if (!multivariant) return serve_media_playlist(*live, request, std::move(respond));
    auto stream = stream_of(*live);
    const uint64_t bandwidth = stream ? window_bandwidth(stream->segmenter(), kUnknownBandwidth) : kUnknownBandwidth;
    respond(multivariant_playlist(live->request.stream_key, live->token, bandwidth,
                                  server_.options.hls.low_latency.has_value()));
  });
}

std::shared_ptr<HlsSession> HlsService::open_session(uint16_t port, const ViewerPath& path, const http::Request& request,
                                                     std::string token, http::Response& refusal) {
  auto admission = server_.admit(port, path.app, path.key, request.peer_address);
  if (auto* refused = std::get_if<http::Response>(&admission)) {
    refusal = std::move(*refused);
    return nullptr;
  }
  if (sessions_.size() >= server_.options.max_sessions) {
    spdlog::warn("[port={}] HLS session refused: {} sessions already", port, sessions_.size());
    refusal = viewer_error(503, "too many HLS sessions");
    return nullptr;
  }
  auto entry = std::get<0>(admission);
  auto session = std::make_shared<HlsSession>();
  session->request = endpoint::StreamRequest{endpoint::next_connection_id(), port, path.app, path.key,
                                             viewer_query(request.query), request.peer_address, request.peer_port};
  session->token = std::move(token);
  session->fields = viewer_fields(*entry, session->request, "hls");
  session->entry = entry;
  session->server = server_.weak_from_this();
  session->client = activity::track_client(
      server_.options.activity,
      activity::ClientInfo{session->request.connection_id, activity::ClientRole::viewer, "hls",
                           net::endpoint_text(request.peer_address, request.peer_port), path.app, path.key});
  session->client->on_kick([weak = std::weak_ptr<HlsSession>(session)](std::string_view reason) {
    if (auto live = weak.lock()) live->end(reason);
  });
  sessions_[session->token] = session;
  server_.add_viewer(entry, session->request.connection_id, session);
  spdlog::debug("{} HLS session opened", session->fields);
  auto lease = ask_approval<HlsSession>(entry, session->request, session, [this](HlsSession& live, bool approved) {
    decided(live, approved);
  });
  if (session->phase != HlsSession::Phase::Ended) session->approval = std::move(lease);
  sweep_soon();
  return session;
}

void HlsService::decided(HlsSession& session, bool approved) {
  if (session.phase != HlsSession::Phase::Approving) return;
  auto waiting = std::move(session.waiting);
  session.waiting.clear();
  auto entry = session.entry.lock();
  if (!approved || !entry) {
    spdlog::info("{} refused: stream not found (404)", session.fields);
    for (auto& then : waiting) then(false);
    return end_session(session, "not approved");
  }
  session.phase = HlsSession::Phase::Present;
  spdlog::info("{} playing", session.fields);
  const StreamKey key{session.request.port, session.request.app, session.request.stream_key};
  auto& stream = streams_[key];
  if (!stream) {
    stream = std::make_shared<HlsStream>(server_.io, entry, session.request.stream_key, server_.options.hls,
                                         log::Fields().with("port", std::to_string(session.request.port))
                                             .with("app", session.request.app)
                                             .with("stream", session.request.stream_key),
                                         [this, key](std::string_view reason) { end_stream(key, reason); });
  }
  stream->sessions().insert(session.request.connection_id);
  stream->join();
  for (auto& then : waiting) then(true);
}

void HlsService::when_approved(HlsSession& session, std::function<void(bool)> then) {
  if (session.phase == HlsSession::Phase::Approving) return session.waiting.push_back(std::move(then));
  then(session.phase == HlsSession::Phase::Present);
}

void HlsService::serve_media_playlist(HlsSession& session, const http::Request& request, http::Responder respond) {
  auto stream = stream_of(session);
  if (!stream) return respond(viewer_error(404, "stream not found"));
  auto& segmenter = stream->segmenter();
  auto answer = [weak = std::weak_ptr(stream)] {
    auto live = weak.lock();
    return live ? media_playlist(live->segmenter()) : viewer_error(404, "stream not found");
  };
  const auto msn = number_param<uint64_t>(request.query, "_HLS_msn");
  const auto part = number_param<size_t>(request.query, "_HLS_part");
  if (server_.options.hls.low_latency && msn) {
    // Blocking reload: the draft's limits, three target durations to deliver.
    const auto state = segmenter.reload_state(*msn, part);
    if (state == containers::HlsSegmenter::Reload::TooFarAhead) {
      return respond(viewer_error(400, "_HLS_msn is more than two segments ahead of the playlist"));
    }
    const std::chrono::milliseconds timeout(3000 * segmenter.target_duration_seconds());
    return park_until(server_.io, stream, *msn, part, timeout, answer,
                      viewer_error(503, "the requested segment did not come in time"), std::move(respond));
  }
  if (!segmenter.segments().empty()) return respond(answer());
  // The stream has not made its first segment yet: the player waits for it, not for a 404.
  park_until(server_.io, stream, segmenter.next_sequence(), std::nullopt, server_.options.start_timeout, answer,
             viewer_error(503, "the stream did not start within " +
                                   std::to_string(server_.options.start_timeout.count()) + " ms"),
             std::move(respond));
}

void HlsService::media(uint16_t port, const ViewerPath& path, http::Responder respond) {
  auto it = streams_.find(StreamKey{port, path.app, path.key});
  if (it == streams_.end() || it->second->instance() != path.instance) {
    return respond(viewer_error(404, "no such segment"));
  }
  const auto& stream = it->second;
  auto& segmenter = stream->segmenter();
  if (path.resource == ViewerResource::Segment) {
    auto segment = segmenter.segment(path.sequence);
    return respond(segment ? segment_answer(std::move(segment)) : viewer_error(404, "no such segment"));
  }
  if (auto found = segmenter.part(path.sequence, path.part)) return respond(part_answer(*found));
  // The preload hint names the open segment's next part: its request waits for it.
  const bool hinted = server_.options.hls.low_latency && path.sequence == segmenter.next_sequence() &&
                      segmenter.reload_state(path.sequence, path.part) == containers::HlsSegmenter::Reload::Pending;
  if (!hinted) return respond(viewer_error(404, "no such part"));
  const std::chrono::milliseconds timeout(3000 * segmenter.target_duration_seconds());
  park_until(
      server_.io, stream, path.sequence, path.part, timeout,
      [weak = std::weak_ptr(stream), sequence = path.sequence, index = path.part] {
        auto live = weak.lock();
        auto found = live ? live->segmenter().part(sequence, index) : std::nullopt;
        return found ? part_answer(*found) : viewer_error(404, "no such part");
      },
      viewer_error(503, "the part did not come in time"), std::move(respond));
}

std::shared_ptr<HlsStream> HlsService::stream_of(const HlsSession& session) const {
  auto it = streams_.find(StreamKey{session.request.port, session.request.app, session.request.stream_key});
  return it == streams_.end() ? nullptr : it->second;
}

void HlsService::end_session(HlsSession& session, std::string_view reason) {
  if (session.phase == HlsSession::Phase::Ended) return;
  const bool was_present = session.phase == HlsSession::Phase::Present;
  session.phase = HlsSession::Phase::Ended;
  auto keep = sessions_[session.token];  // the session lives until the end of this call
  sessions_.erase(session.token);
  const StreamKey key{session.request.port, session.request.app, session.request.stream_key};
  if (auto it = streams_.find(key); it != streams_.end()) {
    auto stream = it->second;
    stream->sessions().erase(session.request.connection_id);
    if (stream->sessions().empty()) {
      streams_.erase(it);
      stream->leave();  // the key's last HLS player: the fan-out lets go before the lease does
    }
  }
  server_.forget_viewer(session.entry.lock(), session.request.connection_id);
  if (was_present) spdlog::info("{} stopped playing: {}", session.fields, reason);
  for (auto& then : std::exchange(session.waiting, {})) then(false);
  session.approval.reset();
  if (session.client) session.client->end();
}

void HlsService::end_stream(const StreamKey& key, std::string_view reason) {
  auto it = streams_.find(key);
  if (it == streams_.end()) return;
  std::vector<std::shared_ptr<HlsSession>> ending;
  for (const auto& [token, session] : sessions_) {
    if (it->second->sessions().count(session->request.connection_id)) ending.push_back(session);
  }
  for (const auto& session : ending) end_session(*session, reason);
}

std::chrono::milliseconds HlsService::session_window(const HlsSession& session) const {
  const auto stream = stream_of(session);
  const uint32_t target_s = stream ? stream->segmenter().target_duration_seconds() : 1;
  const std::chrono::milliseconds window(1000ull * target_s * server_.options.session_window_targets);
  return std::max(window, server_.options.min_session_window);
}

void HlsService::sweep_soon() {
  if (sweeping_) return;
  sweeping_ = true;
  sweep_timer_.expires_after(kSweepInterval);
  // The wait holds the server weakly: a sweep after it is gone does nothing.
  sweep_timer_.async_wait([state = server_.weak_from_this()](const boost::system::error_code& error) {
    auto live = state.lock();
    if (error || !live || !live->hls) return;
    live->hls->sweeping_ = false;
    live->hls->sweep();
  });
}

void HlsService::sweep() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<std::shared_ptr<HlsSession>, std::chrono::milliseconds>> expired;
  for (const auto& [token, session] : sessions_) {
    if (session->phase != HlsSession::Phase::Present) continue;
    const auto window = session_window(*session);
    if (now - session->last_seen > window) expired.emplace_back(session, window);
  }
  for (const auto& [session, window] : expired) {
    end_session(*session, "no playlist request for " + std::to_string(window.count()) + " ms");
  }
  if (!sessions_.empty()) sweep_soon();
}

}  // namespace mmids::http_viewers
