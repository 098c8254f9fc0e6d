#include "lookup-server/token_command.hpp"

#include "mmids-core/endpoint/stream_key.hpp"
#include "mmids-core/signing/request_signature.hpp"
#include "mmids-core/signing/secret_file.hpp"
#include "mmids-core/signing/stream_token.hpp"

#include <boost/program_options.hpp>

#include <ostream>

namespace mmids::lookup {

namespace po = boost::program_options;

int run_token_command(int argc, const char* const argv[], std::ostream& out, std::ostream& err) {
  po::options_description options(
      "mmids-lookup token --secret-file FILE --stream NAME [--valid SECONDS] [--url rtmp://HOST/APP]");
  // clang-format off
  options.add_options()
    ("help,h", "print this help and exit")
    ("secret-file", po::value<std::string>(), "file holding the token secret ([publishers] or [viewers] token_secret_file)")
    ("stream", po::value<std::string>(), "stream name the token is for")
    ("valid", po::value<long>()->default_value(3600), "seconds from now until the token expires (1 to 31536000)")
    ("url", po::value<std::string>()->default_value("rtmp://<host>/<app>"), "RTMP URL without the stream name, for the example");
  // clang-format on
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), values);
    po::notify(values);
  } catch (const po::error& e) {
    err << "mmids-lookup token: " << e.what() << "\n" << options;
    return 2;
  }
  if (values.count("help")) {
    out << options;
    return 0;
  }
  if (!values.count("secret-file") || !values.count("stream")) {
    err << "mmids-lookup token: --secret-file and --stream are required\n" << options;
    return 2;
  }
  const auto stream = values["stream"].as<std::string>();
  if (auto problem = endpoint::stream_key_problem(stream)) {
    err << "mmids-lookup token: --stream: " << *problem << "\n";
    return 2;
  }
  const long valid = values["valid"].as<long>();
  if (valid < 1 || valid > 86400L * 365) {
    err << "mmids-lookup token: --valid must be from 1 to 31536000 seconds\n";
    return 2;
  }
  auto secret = signing::read_secret_file(values["secret-file"].as<std::string>());
  if (!secret.ok()) {
    err << "mmids-lookup token: " << secret.error() << "\n";
    return 2;
  }
  const int64_t expiry = signing::unix_now() + valid;
  const auto token = signing::mint_stream_token(*secret, stream, expiry);
  auto url = values["url"].as<std::string>();
  while (!url.empty() && url.back() == '/') url.pop_back();
  out << token << "\n";
  out << "expires in " << valid << " s (unix time " << expiry << ")\n";
  out << "example: " << url << "/" << stream << "?token=" << token << "\n";
  return 0;
}

}  // namespace mmids::lookup
