// The command table and the one place that turns exceptions into an error line and an exit code.
// Like ninja's `Tool` table (src/ninja.cc): each command is a name, a help summary, a function that
// declares its options and a function that runs it; adding a command adds one row and one file in
// commands/.
#include "cli.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands/configs_command.hpp"
#include "commands/fit_command.hpp"
#include "commands/plan_command.hpp"
#include "commands/plot_command.hpp"
#include "commands/predict_command.hpp"
#include "commands/validate_command.hpp"
#include "context.hpp"
#include "qqt/error.hpp"
#include "qqt/io.hpp"
#include "qqt/output.hpp"
#include "qqt/text.hpp"

namespace qqt::cli {

namespace {

constexpr const char* kFooter = R"(Examples:
  qqt plan --budget 640M                       best top-k level and best strategy of each search family at 640M
  qqt predict --fractions 1,1,0.5 --weights 0.5,0.3,0.2 --budget 128M
  qqt plot curves --output curves.svg          scaling curves of every level, crossovers marked
  qqt fit --config pools.yaml --observations runs.csv --output fitted.yaml
  qqt validate --config fitted.yaml --observations holdout.csv --max-mae 0.01
'qqt COMMAND --help' lists that command's options and more examples.

Exit codes: 0 ok, 1 internal or numerical failure, 2 bad input or usage, 3 regression or quality check failed.
Without --config the built-in default is used (DataComp medium, T-MARS buckets, ImageNet).
Docs: README.md, docs/config.md, docs/output.md, docs/law.md, docs/search.md, docs/fit.md, docs/plots.md,
docs/validation.md, docs/performance.md, docs/reliability.md.
)";

/// Every command's arguments; only the chosen command's member is filled.
struct Args {
  PlanArgs plan;
  PredictArgs predict;
  PlotArgs plot;
  FitArgs fit;
  ValidateArgs validate;
  ConfigsArgs configs;
};

struct Tool {
  const char* name;
  const char* summary;  ///< one line in `qqt --help`
  void (*setup)(CLI::App& cmd, Args& args);
  int (*run)(const Args& args, Context& ctx);
};

constexpr Tool kTools[] = {
    {"plan",
     "Best strategy for each compute budget: top-k filter levels with crossovers, and the best subset, continuous "
     "level and free mixture (and, for a config fitted with --bootstrap, how often each level is best)",
     [](CLI::App& cmd, Args& a) { setup_plan(cmd, a.plan); }, [](const Args& a, Context& ctx) { return run_plan(a.plan, ctx); }},
    {"predict", "Predicted error of one explicit strategy at each budget", [](CLI::App& cmd, Args& a) { setup_predict(cmd, a.predict); },
     [](const Args& a, Context& ctx) { return run_predict(a.predict, ctx); }},
    {"plot",
     "Draw with gnuplot: curves (error vs samples seen per level), utility (per pool vs repetitions), fit (runs vs "
     "fitted law)",
     [](CLI::App& cmd, Args& a) { setup_plot(cmd, a.plot); }, [](const Args& a, Context& ctx) { return run_plot(a.plot, ctx); }},
    {"fit", "Fit a, d and each pool's b and tau to evaluation results (docs/fit.md)", [](CLI::App& cmd, Args& a) { setup_fit(cmd, a.fit); },
     [](const Args& a, Context& ctx) { return run_fit(a.fit, ctx); }},
    {"validate", "Compare a fitted config's predictions with held-out runs: MAE, RMSE, max error",
     [](CLI::App& cmd, Args& a) { setup_validate(cmd, a.validate); },
     [](const Args& a, Context& ctx) { return run_validate(a.validate, ctx); }},
    {"configs", "List the built-in configs (--config builtin:NAME), or print one with --show NAME",
     [](CLI::App& cmd, Args& a) { setup_configs(cmd, a.configs); },
     [](const Args& a, Context& ctx) { return run_configs(a.configs, ctx); }},
};

void set_up_logging(const Streams& streams, const Globals& globals) {
  using Sink = spdlog::sinks::stdout_sink_base<spdlog::details::console_nullmutex>;
  auto logger = std::make_shared<spdlog::logger>("qqt", std::make_shared<Sink>(streams.err));
  logger->set_pattern("qqt: %l: %v");
  logger->set_level(globals.quiet            ? spdlog::level::err
                    : globals.verbosity >= 2 ? spdlog::level::debug
                    : globals.verbosity == 1 ? spdlog::level::info
                                             : spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

/// All names of `cmd`'s options ("--observations", "-o"), for "did you mean" hints.
std::vector<std::string> option_names(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : cmd.get_options()) {
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
    for (const auto& n : opt->get_snames()) names.push_back("-" + n);
  }
  return names;
}

/// The one-line message for a usage error. CLI11 reports a mistyped command as "A subcommand is
/// required" and a mistyped option of a command as its missing required one ("--observations is
/// required"); the words the user typed that nothing took say what really went wrong.
std::string usage_error(const CLI::App& app, CLI::App* const* commands, const CLI::ParseError& e) {
  const CLI::App* chosen = nullptr;
  for (std::size_t i = 0; i < std::size(kTools); ++i) {
    if (commands[i]->parsed()) chosen = commands[i];
  }
  const std::vector<std::string> unused = app.remaining(true);
  if (!chosen) {
    std::vector<std::string> names;
    for (const Tool& t : kTools) names.emplace_back(t.name);
    for (const auto& word : unused) {
      if (word.empty() || word[0] == '-') continue;
      return fmt::format("'{}' is not a command{}; the commands are {}", word, did_you_mean(word, names), fmt::join(names, ", "));
    }
    return fmt::format("{} (see qqt --help)", e.what());
  }
  for (const auto& word : unused) {
    if (word.size() < 2 || word[0] != '-') continue;
    const std::string flag = word.substr(0, word.find('='));
    std::vector<std::string> names = option_names(*chosen);
    for (auto& n : option_names(app)) names.push_back(std::move(n));
    return fmt::format("qqt {}: unknown option '{}'{} (see qqt {} --help)", chosen->get_name(), flag, did_you_mean(flag, names),
                       chosen->get_name());
  }
  return fmt::format("{} (see qqt {} --help)", e.what(), chosen->get_name());
}

int parse_and_run(int argc, const char* const* argv, Context& ctx) {
  Globals& globals = ctx.globals();
  CLI::App app{
      "qqt: plan data filtering for a compute budget with the quality-quantity trade-off scaling law\n"
      "(Goyal et al., CVPR 2024, \"Scaling Laws for Data Filtering\")."};
  app.set_version_flag("--version", std::string("qqt ") + QQT_VERSION);
  app.footer(kFooter);
  app.require_subcommand(1);
  // Options a command does not know fall through to these, so -q and -v work after the command too.
  app.fallthrough();
  app.add_flag("-v,--verbose", globals.verbosity, "More log output on stderr (-v info, -vv debug); before or after the command");
  app.add_flag("-q,--quiet", globals.quiet, "Only errors on stderr; before or after the command");

  Args args;
  CLI::App* commands[std::size(kTools)] = {};
  for (std::size_t i = 0; i < std::size(kTools); ++i) {
    commands[i] = app.add_subcommand(kTools[i].name, kTools[i].summary);
    kTools[i].setup(*commands[i], args);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    std::ostringstream out, err;
    const int code = app.exit(e, out, err);
    ctx.write_out(out.str());
    ctx.write_err(err.str());
    return code;
  } catch (const CLI::ParseError& e) {
    ctx.write_err(fmt::format("qqt: error: {}\n", printable(usage_error(app, commands, e))));  // CLI11 quotes arguments raw
    return kExitBadInput;
  }

  install_signal_cleanup();
  set_up_logging(ctx.streams(), globals);
  for (std::size_t i = 0; i < std::size(kTools); ++i) {
    if (commands[i]->parsed()) return kTools[i].run(args, ctx);
  }
  throw InternalError("no subcommand ran");
}

}  // namespace

int run_cli(int argc, const char* const* argv, const Streams& streams) {
  Context ctx(streams);
  try {
    return parse_and_run(argc, argv, ctx);
  } catch (const InputError& e) {
    ctx.write_err(fmt::format("qqt: error: {}\n", e.what()));
    return kExitBadInput;
  } catch (const NumericalError& e) {
    ctx.write_err(fmt::format("qqt: numerical failure: {}\n", e.what()));
    return kExitFailure;
  } catch (const EnvironmentError& e) {
    ctx.write_err(fmt::format("qqt: error: {}\n", e.what()));
    return kExitFailure;
  } catch (const std::exception& e) {  // InternalError and anything unexpected
    ctx.write_err(fmt::format("qqt: internal error (please report): {}\n", printable(e.what())));
    return kExitFailure;
  }
}

}  // namespace qqt::cli
