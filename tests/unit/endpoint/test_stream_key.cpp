// Which stream keys a publisher or viewer may use (the bad-input matrix, tests/e2e/test_bad_input.py).
// The lookup server applies the same rule to stream names (tests/unit/lookup/stream_name_test.cpp).
#include "mmids-core/endpoint/stream_key.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using mmids::endpoint::kMaxStreamKeyBytes;
using mmids::endpoint::stream_key_problem;

TEST_CASE("endpoint: ordinary stream keys are accepted", "[endpoint][stream_key]") {
  for (std::string key : {"cam1", "live_123456789_abcDEF", "FB-1-0-Ab.c", "a..b", "...", "-", "Cam_1.main-HD"}) {
    INFO(key);
    CHECK_FALSE(stream_key_problem(key));
  }
  CHECK_FALSE(stream_key_problem(std::string(kMaxStreamKeyBytes, 'k')));
}

TEST_CASE("endpoint: stream keys that are not inert text are refused with the reason", "[endpoint][stream_key]") {
  CHECK(stream_key_problem("") == "empty stream key");
  CHECK(stream_key_problem(std::string(1000, 'k')) == "stream key of 1000 bytes (at most 128)");
  CHECK(stream_key_problem(std::string(kMaxStreamKeyBytes + 1, 'k')) == "stream key of 129 bytes (at most 128)");
  CHECK(stream_key_problem("../etc/passwd") == "stream key holds a path separator");
  CHECK(stream_key_problem("..\\x") == "stream key holds a path separator");
  CHECK(stream_key_problem("..") == "stream key names a directory");
  CHECK(stream_key_problem(".") == "stream key names a directory");
  CHECK(stream_key_problem("my cam") == "stream key holds a space");
  CHECK(stream_key_problem("cam\n2026-01-01 INFO forged") == "stream key holds a control character");
  CHECK(stream_key_problem("cam\x7F") == "stream key holds a control character");
  CHECK(stream_key_problem(std::string("a\0b", 3)) == "stream key holds a control character");
  CHECK(stream_key_problem("say\"hi\"") == "stream key holds a quote");
  CHECK(stream_key_problem("cam\xFF\xFE") == "stream key is not UTF-8 text");
  CHECK(stream_key_problem("\xC0\xAF") == "stream key is not UTF-8 text");  // overlong '/'
}

TEST_CASE("endpoint: a stream key is a bare config word and a URL path segment as it is", "[endpoint][stream_key]") {
  // The lookup server writes the key into the workflow a playback node runs and into the URL
  // it pulls: characters the config language or a URL give a meaning to are refused.
  CHECK(stream_key_problem("caf\xC3\xA9") == "stream key holds a non-ASCII character (allowed: A-Z a-z 0-9 _ . -)");
  for (auto [key, shown] : {std::pair{"a#comment", '#'}, {"a}", '}'}, {"${HOME}", '$'}, {"cam?token=1", '?'},
                            {"x:y@z", ':'}, {"a%2Fb", '%'}, {"a=b c", '='}}) {
    INFO(key);
    CHECK(stream_key_problem(key) == std::string("stream key holds '") + shown + "' (allowed: A-Z a-z 0-9 _ . -)");
  }
  // The first character outside the alphabet gives the reason ("a=b c" above).
  CHECK(stream_key_problem("a b=c") == "stream key holds a space");
}
