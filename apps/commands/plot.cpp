#include "plot.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <optional>

#include "qqt/error.hpp"
#include "qqt/observations.hpp"
#include "qqt/quantity.hpp"
#include "qqt/search.hpp"

namespace qqt::cli {

namespace {
constexpr const char* kExamples = R"(Examples:
  qqt plot curves --output curves.svg          scaling curves of every level, crossovers marked
  qqt plot curves --search threshold,mixture --output curves.png   with the best continuous level and mixture
  qqt plot utility --output utility.png --script > utility.gp   the gnuplot script, to restyle
  qqt plot fit --config fitted.yaml --observations runs.csv --output fit.svg
)";
}  // namespace

void setup_plot(CLI::App& cmd, PlotArgs& args) {
  cmd.add_option("kind", args.kind, "curves | utility | fit")->required();
  cmd.add_option("-o,--output", args.output_path, "Image file: .svg, .png or .pdf (written atomically)")->required()->type_name("FILE");
  cmd.add_option("-c,--config", args.config_path, "Pool configuration YAML ('-' reads stdin); default: the built-in config")->type_name("FILE");
  cmd.add_option("--budgets", args.budgets, "Budgets drawn (curves), default 240 points from max(1M, 2 N0/a) to 1000x the pool")->type_name("FROM:TO:N");
  cmd.add_option("--search", args.search, "curves: also draw the best strategy of these families at every budget: subsets, threshold, mixture (comma list)")->type_name("LIST");
  cmd.add_option("--threads", args.options.threads, "Worker threads for --search")->capture_default_str();
  cmd.add_option("--observations", args.observations, "Runs CSV (as for fit): points on curves; required for fit")->type_name("FILE");
  cmd.add_option("--width", args.options.width_px, "Width in pixels (PDF: 100 px per inch)")->capture_default_str();
  cmd.add_option("--height", args.options.height_px, "Height in pixels")->capture_default_str();
  cmd.add_flag("--script", args.script, "Print the gnuplot script (data inline) instead of drawing; run it with gnuplot");
  cmd.footer(kExamples);
}

int run_plot(const PlotArgs& args, Context& ctx) {
  const PlotKind kind = parse_plot_kind(args.kind);
  PlotOptions options = args.options;
  options.format = image_format_for(args.output_path);
  // The image is written by qqt unless --script hands the drawing to the user's gnuplot.
  if (!args.script) check_output(args.output_path);
  if (!args.budgets.empty()) options.budgets_samples = parse_count_range(args.budgets, "--budgets");
  validate(options);
  const Config config = load_config(args.config_path);
  std::optional<Observations> runs;
  if (!args.observations.empty()) runs = load_observations_file(args.observations, config.model);
  PlotSpec spec;
  switch (kind) {
    case PlotKind::curves: {
      if (!args.search.empty()) options.families = parse_families(args.search, config.model);
      const auto strategies = topk_strategies(config.model);
      spec = curves_plot(config, strategies, options);
      if (runs) add_observations(spec, config, strategies, *runs);
      break;
    }
    case PlotKind::utility:
      if (!args.search.empty()) throw InputError("plot utility: --search applies to plot curves only");
      if (runs) throw InputError("plot utility: --observations does not apply (use plot curves or plot fit)");
      spec = utility_plot(config);
      break;
    case PlotKind::fit:
      if (!args.search.empty()) throw InputError("plot fit: --search applies to plot curves only");
      if (!runs) throw InputError("plot fit: --observations RUNS.csv is required (the runs the config was fitted to)");
      spec = fit_plot(config, *runs);
      break;
  }
  if (args.script) {
    ctx.write_out(gnuplot_script(spec, options, args.output_path));
  } else {
    render_plot(spec, options, args.output_path);
    spdlog::info("wrote {}", args.output_path);
  }
  return kExitOk;
}

}  // namespace qqt::cli
