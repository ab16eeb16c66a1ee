// qqt configs: the built-in configs (configs/*.yaml embedded at build time), for --config builtin:NAME.
#pragma once

#include "../common.hpp"

namespace qqt::cli {

struct ConfigsArgs {
  std::string show;  ///< --show NAME: print that config's YAML instead of the list
};

void setup_configs(CLI::App& cmd, ConfigsArgs& args);
int run_configs(const ConfigsArgs& args, Context& ctx);

}  // namespace qqt::cli
