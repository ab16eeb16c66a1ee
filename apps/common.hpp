// Argument helpers shared by the command handlers: the options of the commands that evaluate
// budgets, the config they load, lists from the command line, and where the output goes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "context.hpp"
#include "qqt/config.hpp"
#include "qqt/io.hpp"
#include "qqt/output.hpp"

namespace CLI {
class App;
}

namespace qqt::cli {

/// Options shared by the commands that evaluate budgets (plan, predict).
struct CommonArgs {
  std::string config_path;   ///< empty = built-in default
  std::string budget_list;   ///< --budget
  std::string budget_range;  ///< --budgets
  std::string format = "table";
  std::string output_path;   ///< empty or "-" = standard output
  std::string model_params;  ///< --model-params: model size N in parameters (e.g. 1.1B); empty = the config's
};

/// Declares --config, --budget, --budgets, --format and --output on `cmd`. `budgets_help` is the
/// --budgets help text (plan also draws frontiers from it).
void add_common(CLI::App& cmd, CommonArgs& args, const std::string& budgets_help);

/// Declares `--seed N` on `cmd`: a whole number in [0, 2^64 - 1]. A sign, a fraction or anything
/// else is a usage error (CLI11 alone would wrap "-1" round to 2^64 - 1).
void add_seed_option(CLI::App& cmd, std::uint64_t& seed, const std::string& help);

/// InputError when more than one of the (flag, path) pairs reads standard input ("-"): there is
/// only one, so the second reader would see it empty.
void check_one_stdin(const std::vector<std::pair<const char*, std::string>>& inputs);

/// The config at `path`, or the built-in default when `path` is empty.
Config load_config(const std::string& path);

/// The budgets of --budget or --budgets (exactly one must be given), in samples (tokens). FLOPs
/// budgets (3e21flops) convert with C = 6 N D, N = config.model_params.
std::vector<double> budgets_of(const CommonArgs& args, const Config& config);

/// The config at args.config_path with --model-params (when given) as its model size.
Config load_config(const CommonArgs& args);

/// A comma-separated list of finite numbers; InputError naming `what` and the item otherwise.
std::vector<double> doubles_of(const std::string& text, const char* what);

/// A per-pool list from the command line: shorter than the pool list means the pools past it get 0.
std::vector<double> per_pool(std::vector<double> values, const Model& model, const char* what);

/// True for an output path that means standard output (empty or "-").
bool to_stdout(const std::string& output_path);

/// Before any work: InputError unless `output_path` (a file, not stdout) can be written.
void check_output(const std::string& output_path);

/// Writes `text` to `output_path` atomically, or to the context's output stream.
void emit(const Context& ctx, const std::string& output_path, const std::string& text);

/// Table colour only on a terminal standard output.
RenderOptions render_options(const Context& ctx, const std::string& output_path);

}  // namespace qqt::cli
