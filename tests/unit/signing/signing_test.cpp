// mmids-core/signing: HMAC-SHA256, request signatures (what nodes send, what the lookup
// server believes), replay memory, stream tokens and secret files.
#include "mmids-core/signing/hmac.hpp"
#include "mmids-core/signing/request_signature.hpp"
#include "mmids-core/signing/secret_file.hpp"
#include "mmids-core/signing/stream_token.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

using namespace mmids::signing;

namespace {

constexpr int64_t kNow = 1'800'000'000;

std::map<std::string, std::string> headers_of(const std::vector<std::pair<std::string, std::string>>& list) {
  return {list.begin(), list.end()};
}

Verdict verify(const std::map<std::string, std::string>& h, std::string_view body = "{\"stream_name\":\"cam1\"}",
               int64_t now = kNow, std::string_view secret = "s3cret", std::string_view path = "/publisher_lookup") {
  auto get = [&](std::string_view name) {
    auto it = h.find(std::string(name));
    return it == h.end() ? std::string() : it->second;
  };
  return verify_request(secret, get(kTimestampHeader), get(kNonceHeader), get(kSignatureHeader),
                        {"POST", path, body}, now);
}

}  // namespace

TEST_CASE("signing: HMAC-SHA256 matches RFC 4231 and compares in constant time", "[signing]") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK(random_hex(16).size() == 32);
  CHECK(random_hex(16) != random_hex(16));
}

TEST_CASE("signing: a signed request verifies; any change to it does not", "[signing]") {
  const std::string body = "{\"stream_name\":\"cam1\"}";
  auto signed_headers = headers_of(sign_request("s3cret", {"POST", "/publisher_lookup", body}, kNow));
  CHECK(signed_headers.at("X-Mmids-Timestamp") == std::to_string(kNow));
  CHECK(signed_headers.at("X-Mmids-Nonce").size() == 32);
  CHECK(signed_headers.at("X-Mmids-Signature").rfind("v1=", 0) == 0);

  auto ok = verify(signed_headers, body);
  CHECK(ok.ok);
  CHECK(ok.nonce == signed_headers.at("X-Mmids-Nonce"));

  auto altered = verify(signed_headers, "{\"stream_name\":\"cam2\"}");
  CHECK_FALSE(altered.ok);
  CHECK(altered.refusal == Refusal::bad_signature);
  CHECK(verify(signed_headers, body, kNow, "other").refusal == Refusal::bad_signature);
  CHECK(verify(signed_headers, body, kNow, "s3cret", "/watcher_lookup").refusal == Refusal::bad_signature);
  auto other_method = verify_request("s3cret", signed_headers["X-Mmids-Timestamp"], signed_headers["X-Mmids-Nonce"],
                                     signed_headers["X-Mmids-Signature"], {"DELETE", "/publisher_lookup", body}, kNow);
  CHECK(other_method.refusal == Refusal::bad_signature);

  // The text that is signed is documented, so an operator can write a client.
  CHECK(signed_text("1", "ab", {"POST", "/p", "B"}) == "1\nab\nPOST\n/p\nB");
  auto fixed = headers_of(sign_request("k", {"POST", "/p", "B"}, 1, "00112233445566778899aabbccddeeff"));
  CHECK(fixed.at("X-Mmids-Signature") == "v1=" + hmac_sha256_hex("k", "1\n00112233445566778899aabbccddeeff\nPOST\n/p\nB"));
}

TEST_CASE("signing: unsigned, malformed and stale requests are refused with their reason", "[signing]") {
  const std::string body = "{}";
  auto h = headers_of(sign_request("s3cret", {"POST", "/publisher_lookup", body}, kNow));
  CHECK(verify({}, body).refusal == Refusal::unsigned_request);
  auto without_nonce = h;
  without_nonce.erase("X-Mmids-Nonce");
  CHECK(verify(without_nonce, body).refusal == Refusal::unsigned_request);

  CHECK(verify(h, body, kNow + 60).ok);
  CHECK(verify(h, body, kNow - 60).ok);
  auto stale = verify(h, body, kNow + 61);
  CHECK(stale.refusal == Refusal::stale);
  CHECK_THAT(stale.reason, Catch::Contains("61 s"));
  CHECK(verify(h, body, kNow - 61).refusal == Refusal::stale);

  for (const char* bad : {"v1=zz", "v2=00", "", "v1=" "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"}) {
    auto copy = h;
    copy["X-Mmids-Signature"] = bad;
    INFO(bad);
    CHECK_FALSE(verify(copy, body).ok);
  }
  for (const char* bad : {"-5", "+5", "12a", "1234567890123", " 1"}) {
    CHECK_FALSE(parse_timestamp(bad).ok());
  }
  CHECK(*parse_timestamp("1800000000") == 1800000000);
  CHECK(is_valid_nonce("0123456789abcdef"));
  CHECK_FALSE(is_valid_nonce("0123456789abcde"));
  CHECK_FALSE(is_valid_nonce("0123456789ABCDEF"));
  CHECK(refusal_label(Refusal::unsigned_request) == "unsigned");
  CHECK(refusal_label(Refusal::bad_signature) == "bad_signature");
}

TEST_CASE("signing: the replay guard refuses a nonce seen within the window and forgets old ones", "[signing]") {
  ReplayGuard guard(3);
  CHECK(guard.first_use("a", kNow));
  CHECK_FALSE(guard.first_use("a", kNow + 10));
  CHECK(guard.first_use("b", kNow));
  CHECK(guard.first_use("a", kNow + 121));  // beyond twice the skew: forgotten
  CHECK(guard.first_use("c", kNow + 121));
  CHECK(guard.first_use("d", kNow + 121));
  CHECK(guard.size() <= 3);  // bounded
}

TEST_CASE("signing: stream tokens allow their stream until they expire", "[signing]") {
  auto token = mint_stream_token("tok", "cam1", kNow + 100);
  CHECK(token.rfind(std::to_string(kNow + 100) + "-", 0) == 0);
  CHECK(token.find_first_not_of("0123456789abcdef-") == std::string::npos);  // URL-safe as it is
  CHECK(check_stream_token("tok", "cam1", token, kNow).ok());
  CHECK_THAT(check_stream_token("tok", "cam2", token, kNow).error(), Catch::Contains("does not match"));
  CHECK_THAT(check_stream_token("other", "cam1", token, kNow).error(), Catch::Contains("does not match"));
  CHECK_THAT(check_stream_token("tok", "cam1", token, kNow + 130).error(), Catch::Contains("expired 30 s ago"));
  // Moving the expiry later breaks the signature.
  auto extended = std::to_string(kNow + 9999) + token.substr(token.find('-'));
  CHECK_FALSE(check_stream_token("tok", "cam1", extended, kNow).ok());
  for (const char* bad : {"", "-", "123", "abc-def", "1-", "1-xyz"}) {
    CHECK_THAT(check_stream_token("tok", "cam1", bad, kNow).error(), Catch::Contains("malformed"));
  }
}

TEST_CASE("signing: secret files are read without their trailing newline", "[signing]") {
  auto path = (std::filesystem::temp_directory_path() / ("mmids-secret-" + std::to_string(::getpid()))).string();
  std::ofstream(path) << "top secret\n\n";
  CHECK(*read_secret_file(path) == "top secret");
  std::ofstream(path, std::ios::trunc) << "\n";
  CHECK_THAT(read_secret_file(path).error(), Catch::Contains("is empty"));
  std::ofstream(path, std::ios::trunc) << std::string(kMaxSecretBytes + 1, 'x');
  CHECK_THAT(read_secret_file(path).error(), Catch::Contains("longer than"));
  std::remove(path.c_str());
  CHECK_THAT(read_secret_file(path).error(), Catch::Contains("cannot read secret file " + path));
}
