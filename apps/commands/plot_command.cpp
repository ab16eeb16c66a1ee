#include "plot_command.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <optional>

#include "qqt/error.hpp"
#include "qqt/observations.hpp"
#include "qqt/quantity.hpp"
#include "qqt/search.hpp"

namespace qqt::cli {

namespace {
constexpr const char* kPlotExamples = R"(Examples:
  qqt plot curves --output curves.svg          scaling curves of every level, crossovers marked
  qqt plot curves --search threshold,mixture --output curves.png   with the best continuous level and mixture
  qqt plot utility --output utility.png --script > utility.gp   the gnuplot script, to restyle
  qqt plot fit --config fitted.yaml --observations runs.csv --output fit.svg
  qqt plot fit --config fitted.yaml --observations train.csv --holdout holdout.csv --output fit.pdf --size column
)";
}  // namespace

void setup_plot(CLI::App& cmd, PlotArgs& args) {
  cmd.add_option("kind", args.kind, "curves | utility | fit")->required();
  cmd.add_option("-o,--output", args.output_path, "Image file: .svg, .png or .pdf (written atomically)")->required()->type_name("FILE");
  cmd.add_option("-c,--config", args.config_path, "Pool configuration YAML ('-' reads stdin); default: the built-in config")
      ->type_name("FILE");
  cmd.add_option("--budgets", args.budgets, "Budgets drawn (curves), default 240 points from max(1M, 2 N0/a) to 1000x the pool")
      ->type_name("FROM:TO:N");
  cmd.add_option("--search", args.search,
                 "curves: also draw the best strategy of these families at every budget: subsets, threshold, mixture (comma list)")
      ->type_name("LIST");
  args.options.threads = default_threads();
  cmd.add_option("--threads", args.options.threads,
                 "Worker threads for --search (output does not depend on it); default: hardware threads, at most 2")
      ->capture_default_str()
      ->type_name("N");
  cmd.add_option("--observations", args.observations, "Runs CSV (as for fit): points on curves; required for fit")->type_name("FILE");
  cmd.add_option("--holdout", args.holdout, "fit: held-out runs CSV (as for fit), drawn as open symbols")->type_name("FILE");
  cmd.add_option("--size", args.size, "Printed size, type >= 7 pt where placed: column (3.3 x 3 in), page (6.9 x 4.3 in) or WxH inches")
      ->type_name("SIZE");
  cmd.add_option("--y", args.y, "curves, fit: the y axis, error (default) or accuracy (1 - error)")->type_name("error|accuracy");
  cmd.add_option("--width", args.options.width_px, "Width in pixels (PDF: 100 px per inch); default 900, not with --size")->type_name("PX");
  cmd.add_option("--height", args.options.height_px, "Height in pixels; default 560, not with --size")->type_name("PX");
  cmd.add_flag("--script", args.script, "Print the gnuplot script (data inline) instead of drawing; run it with gnuplot");
  cmd.footer(kPlotExamples);
}

int run_plot(const PlotArgs& args, Context& ctx) {
  const PlotKind kind = parse_plot_kind(args.kind);
  PlotOptions options = args.options;
  options.format = image_format_for(args.output_path);
  // The image is written by qqt unless --script hands the drawing to the user's gnuplot.
  if (!args.script) check_output(args.output_path);
  check_one_stdin({{"--config", args.config_path}, {"--observations", args.observations}});
  if (!args.budgets.empty()) options.budgets_samples = parse_count_range(args.budgets, "--budgets");
  if (!args.size.empty()) options.size = parse_plot_size(args.size, "--size");
  if (!args.y.empty()) options.y = parse_y_measure(args.y, "--y");
  validate(options);
  if (!args.holdout.empty() && kind != PlotKind::fit) throw InputError("plot: --holdout applies to plot fit only");
  if (!args.y.empty() && kind == PlotKind::utility) throw InputError("plot utility: --y applies to plot curves and plot fit only");
  const Config config = load_config(args.config_path);
  std::optional<Observations> runs;
  if (!args.observations.empty()) runs = load_observations_file(args.observations, config.model);
  PlotSpec spec;
  switch (kind) {
    case PlotKind::curves: {
      if (!args.search.empty()) options.families = parse_families(args.search, config.model);
      const auto strategies = topk_strategies(config.model);
      spec = curves_plot(config, strategies, options);
      if (runs) add_observations(spec, config, strategies, *runs, options);
      break;
    }
    case PlotKind::utility:
      if (!args.search.empty()) throw InputError("plot utility: --search applies to plot curves only");
      if (runs) throw InputError("plot utility: --observations does not apply (use plot curves or plot fit)");
      spec = utility_plot(config);
      break;
    case PlotKind::fit: {
      if (!args.search.empty()) throw InputError("plot fit: --search applies to plot curves only");
      if (!runs) throw InputError("plot fit: --observations RUNS.csv is required (the runs the config was fitted to)");
      std::optional<Observations> held;
      if (!args.holdout.empty()) held = load_observations_file(args.holdout, config.model);
      spec = fit_plot(config, *runs, held ? &*held : nullptr, options);
      break;
    }
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
