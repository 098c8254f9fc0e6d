// Which stream keys a publisher or viewer may use (the bad-input matrix, tests/e2e/test_bad_input.py).
#include "mmids-core/endpoint/stream_key.hpp"

#include <catch2/catch.hpp>

#include <string>

using mmids::endpoint::kMaxStreamKeyBytes;
using mmids::endpoint::stream_key_problem;

TEST_CASE("endpoint: ordinary stream keys are accepted", "[endpoint][stream_key]") {
  for (std::string key : {"cam1", "live_123456789_abcDEF", "FB-1-0-Ab.c", "a..b", "caf\xC3\xA9", "x:y@z=1,2+3*"}) {
    INFO(key);
    CHECK_FALSE(stream_key_problem(key));
  }
  CHECK_FALSE(stream_key_problem(std::string(kMaxStreamKeyBytes, 'k')));
}

TEST_CASE("endpoint: stream keys that are not inert text are refused with the reason", "[endpoint][stream_key]") {
  CHECK(stream_key_problem("") == "empty stream key");
  CHECK(stream_key_problem(std::string(1000, 'k')) == "stream key of 1000 bytes (at most 128)");
  CHECK(stream_key_problem("../etc/passwd") == "stream key holds a path separator");
  CHECK(stream_key_problem("..\\x") == "stream key holds a path separator");
  CHECK(stream_key_problem("..") == "stream key names a directory");
  CHECK(stream_key_problem(".") == "stream key names a directory");
  CHECK(stream_key_problem("my cam") == "stream key holds a space");
  CHECK(stream_key_problem("cam\n2026-01-01 INFO forged") == "stream key holds a control character");
  CHECK(stream_key_problem("cam\x7F") == "stream key holds a control character");
  CHECK(stream_key_problem("say\"hi\"") == "stream key holds a quote");
  CHECK(stream_key_problem("cam\xFF\xFE") == "stream key is not UTF-8 text");
  CHECK(stream_key_problem("\xC0\xAF") == "stream key is not UTF-8 text");  // overlong '/'
}
