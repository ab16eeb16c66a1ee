#include "predict_command.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "qqt/bootstrap.hpp"
#include "qqt/error.hpp"
#include "qqt/fit_render.hpp"
#include "qqt/law.hpp"
#include "qqt/plan.hpp"

namespace qqt::cli {

namespace {
constexpr const char* kPredictExamples = R"(Examples:
  qqt predict --budget 640M                    all pools, weighted by size, at 640M
  qqt predict --fractions 1,1,0.5 --weights 0.5,0.3,0.2 --budget 128M
                                               pools 1-2 whole, half of pool 3, the rest left out
  qqt predict --fractions 1,0,0,0 --budgets 10M:1B:5 --format csv
)";
}  // namespace

void setup_predict(CLI::App& cmd, PredictArgs& args) {
  add_common(cmd, args.common, "N log-spaced budgets from FROM to TO, e.g. 1M:100B:50");
  cmd.add_option("--fractions", args.fractions_text,
                 "Kept fraction of each pool in [0,1], pool order; pools past the list are left out (default: all 1)")
      ->type_name("LIST");
  cmd.add_option("--weights", args.weights_text,
                 "Sampling weight of each pool, pool order, summing to 1; pools past the list get 0 (default: uniform over kept data)")
      ->type_name("LIST");
  cmd.footer(kPredictExamples);
}

int run_predict(const PredictArgs& args, Context& ctx) {
  const auto format = parse_format(args.common.format, "--format");
  check_output(args.common.output_path);
  const Config config = load_config(args.common);
  const auto budgets = budgets_of(args.common, config);
  Strategy strategy;
  if (!args.fractions_text.empty())
    strategy.fractions = per_pool(doubles_of(args.fractions_text, "--fractions"), config.model, "--fractions");
  if (!args.weights_text.empty()) strategy.weights = per_pool(doubles_of(args.weights_text, "--weights"), config.model, "--weights");
  const Mixture mixture(config.model, strategy);
  const auto predictions = predict(config.model, strategy, budgets);
  if (const auto warning = prediction_warning(config.model, predictions); !warning.empty()) spdlog::warn("{}", warning);
  std::string text = render_predictions(config, mixture, predictions, format, render_options(ctx, args.common.output_path));
  if (config.fit && config.fit->bootstrap) {
    // A fitted config with bootstrap sets: the interval of the strategy's error at every budget.
    const BootstrapRecord& record = *config.fit->bootstrap;
    const std::string intervals =
        render_prediction_intervals(budgets, prediction_intervals(config.model, strategy, record, budgets), record, format);
    if (format == Format::json) {
      // One more member of the top-level object: before its closing brace (and final newline).
      const std::size_t brace = text.rfind('}');
      if (brace == std::string::npos) throw InternalError("predict: JSON without a closing brace");
      text.insert(brace, "," + intervals);
    } else {
      text += intervals;
    }
  }
  emit(ctx, args.common.output_path, text);
  return kExitOk;
}

}  // namespace qqt::cli
