#include "lookup-server/node_report.hpp"

#include "mmids-core/endpoint/stream_key.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace mmids::lookup {

namespace {

using nlohmann::json;

// Thrown inside the parser only; turned into the Result's error.
struct Refused {
  std::string why;
};

bool printable(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string text_of(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw Refused{where + key + " must be a string"};
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > kMaxReportText || !printable(value)) {
    throw Refused{where + key + " must be at most 128 printable characters"};
  }
  return value;
}

double number_of(const json& object, const char* key, const std::string& where, double max = 1e15) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return 0;
  if (!it->is_number()) throw Refused{where + key + " must be a number"};
  double value = it->get<double>();
  if (!std::isfinite(value) || value < 0 || value > max) throw Refused{where + key + " must be a number from 0"};
  return value;
}

const json* object_of(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  if (!it->is_object()) throw Refused{where + key + " must be an object"};
  return &*it;
}

StreamReport stream_of(const json& item, const std::string& where) {
  if (!item.is_object()) throw Refused{where + "must be an object"};
  StreamReport stream;
  auto name = item.find("name");
  if (name == item.end() || !name->is_string()) throw Refused{where + "name must be a string"};
  if (auto problem = endpoint::stream_key_problem(name->get_ref<const std::string&>())) {
    throw Refused{where + "name: " + *problem};
  }
  stream.name = name->get<std::string>();
  stream.source = text_of(item, "source", where);
  if (const json* video = object_of(item, "video", where)) {
    stream.video_codec = text_of(*video, "codec", where + "video.");
    stream.width = static_cast<int64_t>(number_of(*video, "width", where + "video.", 100000));
    stream.height = static_cast<int64_t>(number_of(*video, "height", where + "video.", 100000));
    stream.fps = number_of(*video, "fps", where + "video.", 10000);
  }
  if (const json* audio = object_of(item, "audio", where)) stream.audio_codec = text_of(*audio, "codec", where + "audio.");
  stream.bitrate_in_bps = number_of(item, "bitrate_in_bps", where);
  stream.uptime_seconds = number_of(item, "uptime_seconds", where);
  stream.viewers = static_cast<int64_t>(number_of(item, "viewers", where, 1e9));
  if (const json* protocols = object_of(item, "viewers_by_protocol", where)) {
    if (protocols->size() > 16) throw Refused{where + "viewers_by_protocol may name at most 16 protocols"};
    for (const auto& [protocol, count] : protocols->items()) {
      if (protocol.empty() || protocol.size() > 16 || !printable(protocol)) {
        throw Refused{where + "viewers_by_protocol names must be 1 to 16 printable characters"};
      }
      stream.viewers_by_protocol[protocol] =
          static_cast<int64_t>(number_of(*protocols, protocol.c_str(), where + "viewers_by_protocol.", 1e9));
    }
  }
  return stream;
}

}  // namespace

Result<NodeReport> parse_node_report(std::string_view body) {
  json document;
  try {
    document = json::parse(body.begin(), body.end());
  } catch (const json::exception&) {
    return Error("node report must be JSON");
  }
  if (!document.is_object()) return Error("node report must be a JSON object");
  try {
    NodeReport report;
    report.name = text_of(document, "node", "");
    report.role = text_of(document, "role", "");
    if (report.role != "ingestion" && report.role != "playback") {
      return Error("role must be \"ingestion\" or \"playback\"");
    }
    if (document.contains("interval_seconds")) {
      report.interval_seconds = static_cast<int64_t>(number_of(document, "interval_seconds", "", 3600));
      if (report.interval_seconds < 1) return Error("interval_seconds must be from 1 to 3600");
    }
    auto streams = document.find("streams");
    if (streams == document.end() || !streams->is_array()) return Error("streams must be an array");
    if (streams->size() > kMaxStreamsPerReport) return Error("a report may list at most 1000 streams");
    for (std::size_t i = 0; i < streams->size(); ++i) {
      report.streams.push_back(stream_of((*streams)[i], "streams[" + std::to_string(i) + "]."));
    }
    return report;
  } catch (const Refused& refused) {
    return Error(refused.why);
  }
}

}  // namespace mmids::lookup
