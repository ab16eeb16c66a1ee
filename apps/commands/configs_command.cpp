#include "configs_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>

#include "qqt/config.hpp"
#include "qqt/error.hpp"

namespace qqt::cli {

void setup_configs(CLI::App& cmd, ConfigsArgs& args) {
  cmd.add_option("--show", args.show, "Print the YAML of the built-in config NAME (to copy and edit)")->type_name("NAME");
  cmd.footer("Examples:\n  qqt configs\n  qqt plan --config builtin:c4-2.8b --budget 55B\n  qqt configs --show c4-2.8b > my.yaml\n");
}

int run_configs(const ConfigsArgs& args, Context& ctx) {
  const auto all = builtin_configs();
  if (!args.show.empty()) {
    builtin_config(args.show);  // InputError with "did you mean" for an unknown name
    for (const BuiltinConfig& c : all) {
      if (args.show == c.name || args.show == c.file_name) ctx.write_out(c.text);
    }
    return kExitOk;
  }
  std::size_t width = 0;
  for (const BuiltinConfig& c : all) width = std::max(width, c.name.size());
  std::string out = "built-in configs (--config builtin:NAME; the default is used without --config):\n";
  for (const BuiltinConfig& c : all) {
    out += fmt::format("  {:<{}}  {}{}\n", c.name, width, c.is_default ? "[default] " : "", c.description);
  }
  ctx.write_out(out);
  return kExitOk;
}

}  // namespace qqt::cli
