#pragma once
// lookup-server: mmids-lookup's command line. The config file (if any) is read first, then
// every flag that was given replaces the file's value.
#include "lookup-server/config.hpp"

#include <string>

namespace mmids::lookup {

struct CommandLine {
  LookupConfig config;
  std::string config_path;  // empty = defaults only
  bool help = false;
  bool version = false;
  bool check = false;  // validate the configuration and exit
  std::string usage;   // the --help text
};

// Throws ConfigError for unknown flags, bad values and config file errors.
CommandLine parse_command_line(int argc, const char* const argv[]);

}  // namespace mmids::lookup
