// lookup-server: TOML config, flags that override it, and the shipped configs/lookup.toml.
#include "lookup-server/command_line.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace mmids::lookup;

namespace {

LookupConfig from_toml(const std::string& text) {
  LookupConfig config;
  apply_config_toml(text, "test.toml", "/etc/mmids", config);
  validate_config(config);
  return config;
}

CommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "mmids-lookup");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

struct TempFile {
  explicit TempFile(const std::string& text) {
    path = (std::filesystem::temp_directory_path() / ("mmids-lookup-test-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(counter++) + ".toml")).string();
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
  static inline int counter = 0;
};

}  // namespace

TEST_CASE("lookup: config defaults make an in-memory server on 127.0.0.1:8080", "[lookup]") {
  auto command_line = parse({});
  const auto& config = command_line.config;
  CHECK(config.listen_address == "127.0.0.1");
  CHECK(config.listen_port == 8080);
  CHECK(config.store == "memory");
  CHECK(config.pull_app == "pull_source");
  CHECK(config.rtmp_port == 1935);
  CHECK(config.publisher_ttl == std::chrono::seconds(180));
  CHECK(config.answer_template == std::string(kDefaultAnswerTemplate));
  CHECK(config.trusted_proxies.empty());
  CHECK(config.tls_cert.empty());
}

TEST_CASE("lookup: config file keys are read from TOML", "[lookup]") {
  auto config = from_toml(R"(
listen = "[::1]:9000"
tls_cert = "certs/lookup.pem"
tls_key = "/abs/lookup.key"
publisher_ttl = 30
watcher_window = 15
trusted_proxies = ["10.0.0.0/8", "::1"]
pull_app = "edge"
rtmp_port = 1936
answer_template = """
workflow w_{{stream_name}} {
    ffmpeg_pull location=rtmp://{{address}}/{{pull_app}}/{{stream_name}} stream_name={{stream_name}}
}
"""
store = "redis://:secret@127.0.0.1:6380/2"
redis_key_prefix = "test:"
redis_timeout_ms = 500
max_body_bytes = 2048
log_level = "debug"
)");
  CHECK(config.listen_address == "::1");
  CHECK(config.listen_port == 9000);
  CHECK(config.tls_cert == "/etc/mmids/certs/lookup.pem");  // relative to the file's folder
  CHECK(config.tls_key == "/abs/lookup.key");
  CHECK(config.publisher_ttl == std::chrono::seconds(30));
  CHECK(config.watcher_window == std::chrono::seconds(15));
  REQUIRE(config.trusted_proxies.size() == 2);
  CHECK(config.trusted_proxies[1].to_string() == "::1/128");
  CHECK(config.pull_app == "edge");
  CHECK(config.rtmp_port == 1936);
  CHECK(AnswerTemplate(config.answer_template).render({"s", "10.0.0.1", config.pull_app, config.rtmp_port}) ==
        "workflow w_s {\n    ffmpeg_pull location=rtmp://10.0.0.1:1936/edge/s stream_name=s\n}\n");
  CHECK(config.store == "redis://:secret@127.0.0.1:6380/2");
  CHECK(config.redis_key_prefix == "test:");
  CHECK(config.redis_timeout == std::chrono::milliseconds(500));
  CHECK(config.max_body_bytes == 2048);
  CHECK(config.log_level == "debug");
}

TEST_CASE("lookup: config errors name the file line and key", "[lookup]") {
  CHECK_THROWS_WITH(from_toml("listen = 8080"), Catch::Contains("test.toml:1: 'listen' must be a string"));
  CHECK_THROWS_WITH(from_toml("\n\nlisten = \"localhost\""), Catch::Contains("test.toml:3: 'listen'"));
  CHECK_THROWS_WITH(from_toml("publisher_tll = 5"), Catch::Contains("'publisher_tll' is not a setting"));
  CHECK_THROWS_WITH(from_toml("publisher_ttl = 0"), Catch::Contains("must be from 1"));
  CHECK_THROWS_WITH(from_toml("rtmp_port = 70000"), Catch::Contains("'rtmp_port' must be from 1 to 65535"));
  CHECK_THROWS_WITH(from_toml("trusted_proxies = [\"10.0.0.0/99\"]"), Catch::Contains("'trusted_proxies'"));
  CHECK_THROWS_WITH(from_toml("pull_app = \"a b\""), Catch::Contains("'pull_app'"));
  CHECK_THROWS_WITH(from_toml("answer_template = \"{{nope}}\""), Catch::Contains("unknown placeholder"));
  CHECK_THROWS_WITH(from_toml("store = \"postgres://x\""), Catch::Contains("unknown store"));
  CHECK_THROWS_WITH(from_toml("store = \"redis://\""), Catch::Contains("no host"));
  CHECK_THROWS_WITH(from_toml("tls_cert = \"a.pem\""), Catch::Contains("tls_cert and tls_key go together"));
  CHECK_THROWS_WITH(from_toml("log_level = \"loud\""), Catch::Contains("log_level"));
  CHECK_THROWS_WITH(from_toml("listen = \"127.0.0.1:80\"\nlisten = \"x\""), Catch::Contains("test.toml:2"));
  CHECK_THROWS_AS(from_toml("this is not toml"), ConfigError);
}

TEST_CASE("lookup: flags override the config file", "[lookup]") {
  TempFile file("listen = \"127.0.0.1:9000\"\npublisher_ttl = 30\ntrusted_proxies = [\"10.0.0.0/8\"]\n"
                "pull_app = \"from_file\"\nstore = \"redis://127.0.0.1:6379\"\n");
  auto file_only = parse({"--config", file.path});
  CHECK(file_only.config.listen_port == 9000);
  CHECK(file_only.config.pull_app == "from_file");
  CHECK(file_only.config_path == file.path);

  auto both = parse({"--config", file.path, "--listen", "127.0.0.2:9100", "--publisher-ttl", "5",
                     "--trusted-proxy", "192.168.0.0/16", "--trusted-proxy", "::1", "--store", "memory",
                     "--rtmp-port", "1940", "--log-level", "warn"});
  const auto& config = both.config;
  CHECK(config.listen_address == "127.0.0.2");
  CHECK(config.listen_port == 9100);
  CHECK(config.publisher_ttl == std::chrono::seconds(5));
  REQUIRE(config.trusted_proxies.size() == 2);
  CHECK(config.trusted_proxies[0].to_string() == "192.168.0.0/16");
  CHECK(config.store == "memory");
  CHECK(config.pull_app == "from_file");  // not overridden
  CHECK(config.rtmp_port == 1940);
  CHECK(config.log_level == "warn");

  CHECK(parse({"--help"}).help);
  CHECK(parse({"--check"}).check);
  CHECK_THROWS_AS(parse({"--bogus"}), ConfigError);
  CHECK_THROWS_WITH(parse({"--listen", "nowhere"}), Catch::Contains("ADDRESS:PORT"));
  CHECK_THROWS_WITH(parse({"--rtmp-port", "0"}), Catch::Contains("--rtmp-port"));
  CHECK_THROWS_WITH(parse({"--config", "/nonexistent.toml"}), Catch::Contains("cannot read config file"));
}

TEST_CASE("lookup: the shipped configs/lookup.toml loads", "[lookup]") {
  auto command_line = parse({"--config", std::string(MMIDS_SOURCE_DIR) + "/configs/lookup.toml"});
  CHECK(command_line.config.answer_template == std::string(kDefaultAnswerTemplate));
  CHECK(command_line.config.listen_port == 8080);
}

TEST_CASE("lookup: listen addresses and redis URLs parse", "[lookup]") {
  CHECK(parse_listen("0.0.0.0:0") == std::pair<std::string, uint16_t>{"0.0.0.0", 0});
  CHECK(parse_listen("[::]:8080") == std::pair<std::string, uint16_t>{"::", 8080});
  CHECK_THROWS_AS(parse_listen("::1:8080"), ConfigError);
  CHECK_THROWS_AS(parse_listen("127.0.0.1:65536"), ConfigError);
  CHECK_THROWS_AS(parse_listen("localhost:80"), ConfigError);

  auto plain = parse_redis_url("redis://redis.internal");
  CHECK(plain.host == "redis.internal");
  CHECK(plain.port == 6379);
  CHECK(plain.db == 0);
  auto full = parse_redis_url("redis://user:pw@[::1]:6380/3");
  CHECK(full.host == "::1");
  CHECK(full.port == 6380);
  CHECK(full.db == 3);
  CHECK(full.username == "user");
  CHECK(full.password == "pw");
  CHECK(full.describe() == "redis://[::1]:6380/3");  // never the password
  CHECK_THROWS_AS(parse_redis_url("redis://host:0"), ConfigError);
  CHECK_THROWS_AS(parse_redis_url("redis://host/x"), ConfigError);
  CHECK_THROWS_AS(parse_redis_url("rediss://host"), ConfigError);
}

TEST_CASE("lookup: security, caps and logging keys are read from TOML", "[lookup]") {
  TempFile secret("cluster-secret\n");
  TempFile token_secret("token-secret\n");
  TempFile keys("cam1 k1\n");
  auto config = from_toml("publisher_networks = [\"10.1.0.0/16\"]\nwatcher_networks = [\"10.2.0.0/16\", \"::1\"]\n"
                          "shared_secret_file = \"" + secret.path + "\"\n"
                          "max_header_bytes = 4096\nmax_connections = 64\nmax_nodes = 10\nlog_format = \"json\"\n"
                          "[publishers]\nauth = \"token\"\ntoken_secret_file = \"" + token_secret.path + "\"\n"
                          "[viewers]\nauth = \"key_file\"\nkey_file = \"" + keys.path + "\"\n");
  REQUIRE(config.publisher_networks.size() == 1);
  CHECK(config.publisher_networks[0].to_string() == "10.1.0.0/16");
  CHECK(config.watcher_networks.size() == 2);
  CHECK(config.shared_secret == "cluster-secret");  // the file's newline trimmed
  CHECK(config.max_header_bytes == 4096);
  CHECK(config.max_connections == 64);
  CHECK(config.max_nodes == 10);
  CHECK(config.log_format == "json");
  CHECK(config.publishers.mode == ClientAuthConfig::Mode::token);
  CHECK(config.publishers.token_secret == "token-secret");
  CHECK(config.viewers.mode == ClientAuthConfig::Mode::key_file);
  CHECK(config.viewers.key_file == keys.path);

  auto endpoint = from_toml("[viewers]\nauth = \"endpoint\"\nendpoint = \"https://auth.internal/check\"\ncache_seconds = 3\n");
  CHECK(endpoint.viewers.endpoint == "https://auth.internal/check");
  CHECK(endpoint.viewers.cache == std::chrono::seconds(3));
  CHECK(endpoint.publishers.mode == ClientAuthConfig::Mode::open);  // the default
}

TEST_CASE("lookup: security key errors name the problem", "[lookup]") {
  CHECK_THROWS_WITH(from_toml("[publishers]\nauth = \"token\"\n"), Catch::Contains("needs token_secret"));
  CHECK_THROWS_WITH(from_toml("[viewers]\nauth = \"key_file\"\n"), Catch::Contains("needs key_file"));
  CHECK_THROWS_WITH(from_toml("[viewers]\nauth = \"magic\"\n"), Catch::Contains("'viewers.auth' must be open"));
  CHECK_THROWS_WITH(from_toml("[viewers]\nauth = \"endpoint\"\nendpoint = \"ftp://x\"\n"), Catch::Contains("viewers.endpoint"));
  CHECK_THROWS_WITH(from_toml("[viewers]\ntoken = \"x\"\n"), Catch::Contains("'viewers.token' is not a setting"));
  CHECK_THROWS_WITH(from_toml("shared_secret_file = \"/nonexistent\"\n"), Catch::Contains("cannot read secret file"));
  CHECK_THROWS_WITH(from_toml("shared_secret = \"\"\n"), Catch::Contains("'shared_secret' is empty"));
  CHECK_THROWS_WITH(from_toml("publisher_networks = [\"x\"]\n"), Catch::Contains("'publisher_networks'"));
  CHECK_THROWS_WITH(from_toml("log_format = \"xml\"\n"), Catch::Contains("log_format"));
  CHECK_THROWS_WITH(from_toml("max_header_bytes = 10\n"), Catch::Contains("'max_header_bytes' must be from 1024"));
}

TEST_CASE("lookup: security flags override the file", "[lookup]") {
  TempFile secret("from-flag\n");
  auto parsed = parse({"--publisher-network", "10.0.0.0/8", "--watcher-network", "10.9.0.0/16", "--shared-secret-file",
                       secret.path, "--max-connections", "8", "--log-format", "json"});
  CHECK(parsed.config.publisher_networks.size() == 1);
  CHECK(parsed.config.watcher_networks[0].to_string() == "10.9.0.0/16");
  CHECK(parsed.config.shared_secret == "from-flag");
  CHECK(parsed.config.max_connections == 8);
  CHECK(parsed.config.log_format == "json");
  CHECK_THROWS_WITH(parse({"--shared-secret-file", "/nonexistent"}), Catch::Contains("--shared-secret-file"));
}
