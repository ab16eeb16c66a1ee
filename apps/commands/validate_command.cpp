#include "validate_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "qqt/error.hpp"
#include "qqt/fit_render.hpp"
#include "qqt/observations.hpp"
#include "qqt/validation.hpp"

namespace qqt::cli {

namespace {
constexpr const char* kValidateExamples = R"(Examples:
  qqt validate --config fitted.yaml --observations holdout.csv
  qqt validate --config fitted.yaml --observations holdout.csv --max-mae 0.01
                                               predicted vs observed on held-out runs; exit 3 if MAE > 0.01
)";
}  // namespace

void setup_validate(CLI::App& cmd, ValidateArgs& args) {
  cmd.add_option("-c,--config", args.config_path, "Fitted config (from qqt fit) or any complete config")->required()->type_name("FILE");
  cmd.add_option("--observations", args.observations, "CSV of held-out runs, as for fit ('-' reads stdin)")->required()->type_name("FILE");
  cmd.add_option("--max-mae", args.max_mae, "Exit 3 when the mean absolute error exceeds X (metric units: 0.01 = 1 point)")->type_name("X");
  cmd.add_option("--min-decision-accuracy", args.min_decision_accuracy,
                 "Exit 3 when the share of pairs of held-out strategies (same budget) the law orders correctly is below X")
      ->type_name("X");
  cmd.add_option("-f,--format", args.format, "Output format: table, json, csv or markdown")->capture_default_str()->type_name("FORMAT");
  cmd.add_option("-o,--output", args.output_path, "Write the output to FILE atomically (default: stdout)")->type_name("FILE");
  cmd.footer(kValidateExamples);
}

int run_validate(const ValidateArgs& args, Context& ctx) {
  const auto format = parse_format(args.format, "--format");
  ValidationOptions options;
  options.max_mae = args.max_mae;
  options.min_decision_accuracy = args.min_decision_accuracy;
  validate(options);
  check_output(args.output_path);
  check_one_stdin({{"--config", args.config_path}, {"--observations", args.observations}});
  const Config config = load_config_file(args.config_path);
  const Observations observations = load_observations_file(args.observations, config.model);
  const ValidationReport report = check_predictions(config.model, observations, options);
  for (const auto& w : report.warnings) spdlog::warn("{}", w);
  emit(ctx, args.output_path, render_validation(config, observations.source, report, format));
  if (!report.mae_passed()) {
    ctx.write_err(
        fmt::format("qqt: quality check failed: MAE {} exceeds --max-mae {}\n", exact_number(report.mae), exact_number(*options.max_mae)));
  }
  if (!report.decisions_passed()) {
    ctx.write_err(fmt::format("qqt: quality check failed: decision accuracy {} is below --min-decision-accuracy {}\n",
                              exact_number(*report.decision_accuracy), exact_number(*options.min_decision_accuracy)));
  }
  if (!report.passed()) return kExitRegression;
  return kExitOk;
}

}  // namespace qqt::cli
