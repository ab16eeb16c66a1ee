#include "common.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <optional>

#include "qqt/error.hpp"
#include "qqt/io.hpp"
#include "qqt/quantity.hpp"
#include "qqt/text.hpp"

namespace qqt::cli {

void add_common(CLI::App& cmd, CommonArgs& args, const std::string& budgets_help) {
  cmd.add_option("-c,--config", args.config_path, "Pool configuration YAML ('-' reads stdin); default: the built-in T-MARS config")
      ->type_name("FILE");
  cmd.add_option("-b,--budget", args.budget_list,
                 "Budgets in samples (tokens) seen, comma separated: 32M,640M,1.28e9 (suffixes K M B/G T), or compute: 3e21flops "
                 "(C = 6 N D, needs the model size)")
      ->type_name("LIST");
  cmd.add_option("--model-params", args.model_params,
                 "Model size N in parameters (e.g. 1.1B) for FLOPs budgets and the FLOPs column; default: the config's model_params")
      ->type_name("N");
  cmd.add_option("--budgets", args.budget_range, budgets_help)->type_name("FROM:TO:N");
  cmd.add_option("-f,--format", args.format, "Output format: table, json, csv or markdown")->capture_default_str()->type_name("FORMAT");
  cmd.add_option("-o,--output", args.output_path, "Write the output to FILE atomically (default: stdout)")->type_name("FILE");
}

void add_seed_option(CLI::App& cmd, std::uint64_t& seed, const std::string& help) {
  cmd.add_option("--seed", seed, help)
      ->check(
          [](const std::string& text) -> std::string {
            const bool digits = !text.empty() && text.size() <= 20 && text.find_first_not_of("0123456789") == std::string::npos;
            return digits ? std::string() : fmt::format("must be a whole number in [0, 2^64 - 1], got '{}'", text);
          },
          "N >= 0")
      ->capture_default_str()
      ->type_name("N");
}

void check_one_stdin(const std::vector<std::pair<const char*, std::string>>& inputs) {
  const char* first = nullptr;
  for (const auto& [flag, path] : inputs) {
    if (path != "-") continue;
    if (first) throw InputError(fmt::format("{} - and {} - cannot both read standard input: give one of them a file", first, flag));
    first = flag;
  }
}

Config load_config(const std::string& path) {
  if (path.empty()) {
    spdlog::info("using the built-in config {}", default_config_name());
    return default_config();
  }
  return load_config_file(path);
}

Config load_config(const CommonArgs& args) {
  const std::optional<double> model_params =
      args.model_params.empty() ? std::nullopt : std::optional<double>(parse_count(args.model_params, "--model-params"));
  Config config = load_config(args.config_path);
  if (model_params) config.model_params = model_params;
  return config;
}

std::vector<double> budgets_of(const CommonArgs& args, const Config& config) {
  if (!args.budget_list.empty() && !args.budget_range.empty()) {
    throw InputError("give either --budget or --budgets, not both");
  }
  if (!args.budget_range.empty()) return parse_budget_range(args.budget_range, "--budgets", config.model_params);
  if (!args.budget_list.empty()) return parse_budget_list(args.budget_list, "--budget", config.model_params);
  throw InputError("no budget given: use --budget LIST (e.g. --budget 640M) or --budgets FROM:TO:N");
}

std::vector<double> doubles_of(const std::string& text, const char* what) { return parse_number_list(text, what); }

std::vector<double> per_pool(std::vector<double> values, const Model& model, const char* what) {
  if (values.size() > model.pools.size()) {
    throw InputError(
        fmt::format("{}: {} given but the config has {}", what, count_of(values.size(), "value"), count_of(model.pools.size(), "pool")));
  }
  values.resize(model.pools.size(), 0.0);
  return values;
}

bool to_stdout(const std::string& output_path) { return output_path.empty() || output_path == "-"; }

void check_output(const std::string& output_path) {
  if (!to_stdout(output_path)) check_writable(output_path);
}

void emit(const Context& ctx, const std::string& output_path, const std::string& text) {
  if (to_stdout(output_path)) {
    ctx.write_out(text);
  } else {
    write_file_atomically(output_path, text);
    spdlog::info("wrote {}", output_path);
  }
}

RenderOptions render_options(const Context& ctx, const std::string& output_path) {
  RenderOptions r;
  r.color = to_stdout(output_path) && ctx.color_out();
  return r;
}

}  // namespace qqt::cli
