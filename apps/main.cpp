// qqt: the command-line front end. It only turns arguments into options, calls the library,
// prints and chooses the exit code (0 ok, 1 internal/numerical failure, 2 bad input, 3 regression).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdint>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>

#include "qqt/bootstrap.hpp"
#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/fit.hpp"
#include "qqt/fit_report.hpp"
#include "qqt/io.hpp"
#include "qqt/observations.hpp"
#include "qqt/output.hpp"
#include "qqt/plan.hpp"
#include "qqt/plot.hpp"
#include "qqt/quantity.hpp"
#include "qqt/regression.hpp"
#include "qqt/validation.hpp"
#include "qqt/search.hpp"
#include "qqt/text.hpp"

namespace {

constexpr const char* kExamples = R"(Examples:
  qqt plan --budget 640M                       best top-k level and best strategy of each search family at 640M
  qqt plan --budget 32M,64M,128M,640M          several budgets, with the crossovers between them
  qqt plan --budgets 1M:100B:50 --format csv   50 log-spaced budgets as CSV
  qqt plan --config pools.yaml --budget 1B --format json --output plan.json
  qqt plan --budget 640M --expect plan.json    exit 3 if the plan changed (CI regression check)
  qqt plan --budget 640M --search topk,threshold
                                               only the top-k levels and continuous levels
  qqt plan --budgets 10M:10B:20 --max-passes 20 --weight-bounds "top 30-40%=:0.05"
                                               best strategies under constraints, with frontiers
  qqt plot curves --output curves.svg          scaling curves of every level, crossovers marked
  qqt plot curves --search threshold,mixture --output curves.png   with the best continuous level and mixture
  qqt plot utility --output utility.png --script > utility.gp   the gnuplot script, to restyle
  qqt plot fit --config fitted.yaml --observations runs.csv --output fit.svg
  qqt predict --fractions 1,1,0.5 --weights 0.5,0.3,0.2 --budget 128M
                                               pools 1-2 whole, half of pool 3, the rest left out
  qqt fit --config pools.yaml --observations runs.csv --output fitted.yaml --bootstrap 200
                                               fit a, d, b, tau to evaluation results, with 90% intervals
  qqt validate --config fitted.yaml --observations holdout.csv --max-mae 0.01
                                               predicted vs observed on held-out runs; exit 3 if MAE > 0.01

Exit codes: 0 ok, 1 internal or numerical failure, 2 bad input or usage, 3 regression or quality check failed.
Without --config the built-in default is used (DataComp medium, T-MARS buckets, ImageNet).
Docs: README.md, docs/config.md, docs/output.md, docs/law.md, docs/search.md, docs/fit.md, docs/plots.md,
docs/validation.md, docs/performance.md, docs/reliability.md.
)";

// A progress bar on stderr, drawn only when stderr is a terminal.
// A progress bar on stderr, drawn only when stderr is a terminal and only once the work has taken
// more than a second (short runs stay quiet; QQT_PROGRESS_DELAY sets those seconds, e.g. 0 in tests).
class ProgressBar {
 public:
  explicit ProgressBar(const char* label, bool enabled)
      : label_(label), enabled_(enabled), start_(std::chrono::steady_clock::now()) {
    if (const char* delay = std::getenv("QQT_PROGRESS_DELAY")) delay_s_ = std::strtod(delay, nullptr);
  }
  ~ProgressBar() { finish(); }
  /// Clears the bar's line (before the results are printed).
  void finish() {
    if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
    enabled_ = false;
  }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  void update(long long done, long long total) {
    if (!enabled_ || total <= 0) return;
    if (!drawn_ && std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() < delay_s_) return;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * done / total);
    fmt::print(stderr, "\rqqt: {} [{}{}] {}/{}", label_, std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(kWidth - filled), '.'), done, total);
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  const char* label_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  double delay_s_ = 1.0;
  bool drawn_ = false;
};

// Options shared by the commands that evaluate budgets.
struct CommonArgs {
  std::string config_path;   // empty = built-in default
  std::string budget_list;   // --budget
  std::string budget_range;  // --budgets
  std::string format = "table";
  std::string output_path;   // empty = stdout
};

void add_common(CLI::App* cmd, CommonArgs& args) {
  cmd->add_option("-c,--config", args.config_path, "Pool configuration YAML ('-' reads stdin); default: the built-in T-MARS config")->type_name("FILE");
  cmd->add_option("-b,--budget", args.budget_list, "Budgets in samples seen, comma separated: 32M,640M,1.28e9 (suffixes K M B/G T)")->type_name("LIST");
  cmd->add_option("--budgets", args.budget_range, "N log-spaced budgets from FROM to TO, e.g. 1M:100B:50 (plan: also each family's frontier)")->type_name("FROM:TO:N");
  cmd->add_option("-f,--format", args.format, "Output format: table, json, csv or markdown")->capture_default_str()->type_name("FORMAT");
  cmd->add_option("-o,--output", args.output_path, "Write the output to FILE atomically (default: stdout)")->type_name("FILE");
}

qqt::Config load(const CommonArgs& args) {
  if (args.config_path.empty()) {
    spdlog::info("using the built-in config {}", qqt::default_config_name());
    return qqt::default_config();
  }
  return qqt::load_config_file(args.config_path);
}

std::vector<double> budgets_of(const CommonArgs& args) {
  if (!args.budget_list.empty() && !args.budget_range.empty()) {
    throw qqt::InputError("give either --budget or --budgets, not both");
  }
  if (!args.budget_range.empty()) return qqt::parse_count_range(args.budget_range, "--budgets");
  if (!args.budget_list.empty()) return qqt::parse_count_list(args.budget_list, "--budget");
  throw qqt::InputError("no budget given: use --budget LIST (e.g. --budget 640M) or --budgets FROM:TO:N");
}

std::vector<double> doubles_of(const std::string& text, const char* what) { return qqt::parse_number_list(text, what); }

// A per-pool list from the command line: shorter than the pool list means the pools past it get 0.
std::vector<double> per_pool(std::vector<double> values, const qqt::Model& model, const char* what) {
  if (values.size() > model.pools.size()) {
    throw qqt::InputError(fmt::format("{}: {} values given but the config has {} pools", what, values.size(), model.pools.size()));
  }
  values.resize(model.pools.size(), 0.0);
  return values;
}

bool color_for_stdout() {
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

void emit(const CommonArgs& args, const std::string& text) {
  if (args.output_path.empty() || args.output_path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  } else {
    qqt::write_file_atomically(args.output_path, text);
    spdlog::info("wrote {}", args.output_path);
  }
}

void check_output(const CommonArgs& args) {
  if (!args.output_path.empty() && args.output_path != "-") qqt::check_writable(args.output_path);
}

qqt::RenderOptions render_options(const CommonArgs& args) {
  qqt::RenderOptions r;
  r.color = (args.output_path.empty() || args.output_path == "-") && color_for_stdout();
  return r;
}

int run(int argc, char** argv) {
  CLI::App app{"qqt: plan data filtering for a compute budget with the quality-quantity trade-off scaling law\n"
               "(Goyal et al., CVPR 2024, \"Scaling Laws for Data Filtering\")."};
  app.set_version_flag("--version", std::string("qqt ") + QQT_VERSION);
  app.footer(kExamples);
  app.require_subcommand(1);
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "More log output on stderr (-v info, -vv debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");

  CommonArgs plan_args;
  std::string expect_path;
  double tolerance = qqt::RegressionOptions{}.tolerance_rel;
  std::string search_text, max_unique_text, weight_bounds_text;
  double max_passes = qqt::kNoLimit;
  double min_weight = 0.0;
  double max_weight = 1.0;
  bool allow_unseen = false;
  std::uint64_t seed = qqt::MixtureSearchOptions{}.seed;
  int threads = qqt::default_threads();
  CLI::App* plan_cmd = app.add_subcommand("plan", "Best strategy for each compute budget: top-k filter levels with crossovers, and the "
                                                  "best subset, continuous level and free mixture (and, for a config fitted with --bootstrap, how often "
                                                  "each level is best)");
  add_common(plan_cmd, plan_args);
  plan_cmd->add_option("--expect", expect_path, "Baseline JSON from an earlier 'plan --format json': exit 3 if the overall best strategy or its error changed")->type_name("FILE");
  plan_cmd->add_option("--tolerance", tolerance, "Relative change of a best error that --expect accepts")->capture_default_str()->type_name("REL");
  plan_cmd->add_option("--search", search_text,
                       "Search families, comma separated: topk (pools 1..k), subsets (any set of pools, exhaustive, <= 20 pools), "
                       "threshold (pools 1..k-1 and part of pool k), mixture (free weights and fractions, NLopt), or all. "
                       "Default: topk,threshold,mixture, plus subsets with <= 20 pools")->type_name("LIST");
  plan_cmd->add_option("--max-passes", max_passes, "Repeat no used pool more than R times: n w_i / (f_i S_i) <= R (R >= 1)")->type_name("R");
  plan_cmd->add_option("--max-unique", max_unique_text, "Keep at most N unique samples (e.g. 50M)")->type_name("N");
  auto* min_weight_opt = plan_cmd->add_option("--min-weight", min_weight, "Lower bound of every pool's sampling weight (every pool used)")->type_name("W");
  auto* max_weight_opt = plan_cmd->add_option("--max-weight", max_weight, "Upper bound of every pool's sampling weight")->type_name("W");
  plan_cmd->add_option("--weight-bounds", weight_bounds_text,
                       "Per-pool weight bounds NAME=LO:HI, comma separated; LO or HI may be empty (overrides --min/--max-weight)")
      ->type_name("LIST");
  plan_cmd->add_flag("--allow-unseen", allow_unseen,
                     "Let the mixture keep more of a pool than the budget draws from it (the law then rewards unseen data; "
                     "see docs/search.md)");
  plan_cmd->add_option("--seed", seed, "Seed of the mixture search's random starts (same seed, same result)")->capture_default_str()->type_name("N");
  plan_cmd->add_option("--threads", threads, "Worker threads (output does not depend on it); default: hardware threads, at most 2")
      ->capture_default_str()->type_name("N");
  plan_cmd->footer(kExamples);

  CommonArgs predict_args;
  std::string fractions_text, weights_text;
  CLI::App* predict_cmd = app.add_subcommand("predict", "Predicted error of one explicit strategy at each budget");
  add_common(predict_cmd, predict_args);
  predict_cmd->add_option("--fractions", fractions_text, "Kept fraction of each pool in [0,1], pool order; pools past the list are left out (default: all 1)")->type_name("LIST");
  predict_cmd->add_option("--weights", weights_text, "Sampling weight of each pool, pool order, summing to 1; pools past the list get 0 (default: uniform over kept data)")->type_name("LIST");
  predict_cmd->footer(kExamples);

  std::string plot_kind, plot_output, plot_config, plot_budgets, plot_observations, plot_search;
  bool plot_script = false;
  qqt::PlotOptions plot_options;
  CLI::App* plot_cmd = app.add_subcommand(
      "plot", "Draw with gnuplot: curves (error vs samples seen per level), utility (per pool vs repetitions), fit (runs vs fitted law)");
  plot_cmd->add_option("kind", plot_kind, "curves | utility | fit")->required();
  plot_cmd->add_option("-o,--output", plot_output, "Image file: .svg, .png or .pdf (written atomically)")->required()->type_name("FILE");
  plot_cmd->add_option("-c,--config", plot_config, "Pool configuration YAML ('-' reads stdin); default: the built-in config")->type_name("FILE");
  plot_cmd->add_option("--budgets", plot_budgets, "Budgets drawn (curves), default 240 points from max(1M, 2 N0/a) to 1000x the pool")->type_name("FROM:TO:N");
  plot_cmd->add_option("--search", plot_search, "curves: also draw the best strategy of these families at every budget: subsets, threshold, mixture (comma list)")->type_name("LIST");
  plot_cmd->add_option("--threads", plot_options.threads, "Worker threads for --search")->capture_default_str();
  plot_cmd->add_option("--observations", plot_observations, "Runs CSV (as for fit): points on curves; required for fit")->type_name("FILE");
  plot_cmd->add_option("--width", plot_options.width_px, "Width in pixels (PDF: 100 px per inch)")->capture_default_str();
  plot_cmd->add_option("--height", plot_options.height_px, "Height in pixels")->capture_default_str();
  plot_cmd->add_flag("--script", plot_script, "Print the gnuplot script (data inline) instead of drawing; run it with gnuplot");
  plot_cmd->footer(kExamples);

  std::string fit_config, fit_observations, fit_output, fit_law, fit_loss = "squared", fit_fix, fit_shared;
  std::uint64_t fit_seed = qqt::FitOptions{}.seed;
  int fit_bootstrap = 0;
  CLI::App* fit_cmd = app.add_subcommand("fit", "Fit a, d and each pool's b and tau to evaluation results (docs/fit.md)");
  fit_cmd->add_option("-c,--config", fit_config, "Pools to fit: names and sizes; given a, d, b, tau are starting points")->required()->type_name("FILE");
  fit_cmd->add_option("--observations", fit_observations, "CSV of runs: pool,samples_seen,error|accuracy[,weight] ('-' reads stdin)")->required()->type_name("FILE");
  fit_cmd->add_option("-o,--output", fit_output, "Write the fitted config (YAML, for plan) to FILE atomically (default: stdout)")->type_name("FILE");
  fit_cmd->add_option("--law", fit_law, "Law to fit: utility, effective-data or power (default: the config's law)")->type_name("LAW");
  fit_cmd->add_option("--loss", fit_loss, "Loss of each residual: squared, or huber:DELTA (robust to outlying runs)")->capture_default_str()->type_name("LOSS");
  fit_cmd->add_option("--fix", fit_fix, "Hold parameters: a=0.025,d=0.1 (a bare name holds the config's value; b/tau set every pool)")->type_name("LIST");
  fit_cmd->add_option("--shared", fit_shared, "One b and/or one tau for all pools: b, tau or b,tau (tau_i = tau (S_i/S_1)^tau_scaling)")->type_name("LIST");
  fit_cmd->add_option("--seed", fit_seed, "Seed of the multistart scan and of the bootstrap resampling")->capture_default_str()->type_name("N");
  fit_cmd->add_option("--bootstrap", fit_bootstrap, "Refit N resamples of the rows: 90% intervals and parameter sets for plan (0: none)")->capture_default_str()->type_name("N");
  fit_cmd->footer(kExamples);

  std::string val_config, val_observations, val_format = "table", val_output;
  std::optional<double> val_max_mae;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Compare a fitted config's predictions with held-out runs: MAE, RMSE, max error");
  validate_cmd->add_option("-c,--config", val_config, "Fitted config (from qqt fit) or any complete config")->required()->type_name("FILE");
  validate_cmd->add_option("--observations", val_observations, "CSV of held-out runs, as for fit ('-' reads stdin)")->required()->type_name("FILE");
  validate_cmd->add_option("--max-mae", val_max_mae, "Exit 3 when the mean absolute error exceeds X (metric units: 0.01 = 1 point)")->type_name("X");
  validate_cmd->add_option("-f,--format", val_format, "Output format: table, json, csv or markdown")->capture_default_str()->type_name("FORMAT");
  validate_cmd->add_option("-o,--output", val_output, "Write the output to FILE atomically (default: stdout)")->type_name("FILE");
  validate_cmd->footer(kExamples);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "qqt: error: {} (see qqt --help)\n", e.what());
    return qqt::kExitBadInput;
  }

  qqt::install_signal_cleanup();
  spdlog::set_default_logger(spdlog::stderr_logger_st("qqt"));
  spdlog::set_pattern("qqt: %l: %v");
  spdlog::set_level(quiet ? spdlog::level::err : verbosity >= 2 ? spdlog::level::debug : verbosity == 1 ? spdlog::level::info : spdlog::level::warn);

  if (plan_cmd->parsed()) {
    const auto format = qqt::parse_format(plan_args.format, "--format");
    check_output(plan_args);
    qqt::PlanOptions options;
    options.budgets_samples = budgets_of(plan_args);
    qqt::RegressionOptions regression;
    regression.tolerance_rel = tolerance;
    qqt::validate(regression);
    const qqt::Config config = load(plan_args);
    const auto strategies = qqt::topk_strategies(config.model);
    qqt::SearchOptions search;
    if (!search_text.empty()) search.families = qqt::parse_families(search_text, config.model);
    search.constraints.max_passes = max_passes;
    if (!max_unique_text.empty()) search.constraints.max_unique = qqt::parse_count(max_unique_text, "--max-unique");
    qqt::set_weight_bounds(search.constraints, config.model,
                           min_weight_opt->count() ? std::optional<double>(min_weight) : std::nullopt,
                           max_weight_opt->count() ? std::optional<double>(max_weight) : std::nullopt, weight_bounds_text);
    search.mixture.seed = seed;
    search.mixture.only_seen = !allow_unseen;
    search.frontier = !plan_args.budget_range.empty();
    search.threads = threads;
    ProgressBar bar("search", !quiet && ::isatty(STDERR_FILENO));
    search.progress = [&bar](std::size_t done, std::size_t total) {
      bar.update(static_cast<long long>(done), static_cast<long long>(total));
    };
    const auto result = qqt::search_plan(config.model, options, search);
    bar.finish();
    spdlog::info("{} budgets x {} levels, {} crossovers", result.budgets.size(), config.model.pools.size(), result.crossovers.size());
    for (const auto& w : result.warnings) spdlog::warn("{}", w);
    qqt::PlanExtras extras;
    if (config.fit && config.fit->bootstrap) {
      const auto frequencies = qqt::best_frequency(config.model, *config.fit->bootstrap, strategies, options.budgets_samples);
      for (const auto& f : frequencies) extras.budget_json.push_back(qqt::best_frequency_json(f));
      extras.table = qqt::render_best_frequency_table(frequencies, format == qqt::Format::markdown);
    }
    emit(plan_args, qqt::render_plan(config, result, format, render_options(plan_args), extras));
    if (!expect_path.empty()) {
      const auto report = qqt::compare_with_baseline(result, expect_path, regression);
      for (const auto& line : report.findings) fmt::print(stderr, "qqt: regression: {}\n", line);
      if (!report.ok()) return qqt::kExitRegression;
      spdlog::info("no regression against {} ({} budgets compared)", expect_path, report.budgets_compared);
    }
    return qqt::kExitOk;
  }
  if (predict_cmd->parsed()) {
    const auto format = qqt::parse_format(predict_args.format, "--format");
    check_output(predict_args);
    const auto budgets = budgets_of(predict_args);
    const qqt::Config config = load(predict_args);
    qqt::Strategy strategy;
    if (!fractions_text.empty()) strategy.fractions = per_pool(doubles_of(fractions_text, "--fractions"), config.model, "--fractions");
    if (!weights_text.empty()) strategy.weights = per_pool(doubles_of(weights_text, "--weights"), config.model, "--weights");
    const qqt::Mixture mixture(config.model, strategy);
    const auto predictions = qqt::predict(config.model, strategy, budgets);
    emit(predict_args, qqt::render_predictions(config, mixture, predictions, format, render_options(predict_args)));
    return qqt::kExitOk;
  }
  if (plot_cmd->parsed()) {
    const qqt::PlotKind kind = qqt::parse_plot_kind(plot_kind);
    plot_options.format = qqt::image_format_for(plot_output);
    if (!plot_budgets.empty()) plot_options.budgets_samples = qqt::parse_count_range(plot_budgets, "--budgets");
    qqt::validate(plot_options);
    CommonArgs source;
    source.config_path = plot_config;
    const qqt::Config config = load(source);
    std::optional<qqt::Observations> runs;
    if (!plot_observations.empty()) runs = qqt::load_observations_file(plot_observations, config.model);
    qqt::PlotSpec spec;
    switch (kind) {
      case qqt::PlotKind::curves: {
        if (!plot_search.empty()) plot_options.families = qqt::parse_families(plot_search, config.model);
        const auto strategies = qqt::topk_strategies(config.model);
        spec = qqt::curves_plot(config, strategies, plot_options);
        if (runs) qqt::add_observations(spec, config, strategies, *runs);
        break;
      }
      case qqt::PlotKind::utility:
        if (!plot_search.empty()) throw qqt::InputError("plot utility: --search applies to plot curves only");
        if (runs) throw qqt::InputError("plot utility: --observations does not apply (use plot curves or plot fit)");
        spec = qqt::utility_plot(config);
        break;
      case qqt::PlotKind::fit:
        if (!plot_search.empty()) throw qqt::InputError("plot fit: --search applies to plot curves only");
        if (!runs) throw qqt::InputError("plot fit: --observations RUNS.csv is required (the runs the config was fitted to)");
        spec = qqt::fit_plot(config, *runs);
        break;
    }
    if (plot_script) {
      const std::string script = qqt::gnuplot_script(spec, plot_options, plot_output);
      std::fwrite(script.data(), 1, script.size(), stdout);
    } else {
      qqt::render_plot(spec, plot_options, plot_output);
      spdlog::info("wrote {}", plot_output);
    }
    return qqt::kExitOk;
  }
  if (fit_cmd->parsed()) {
    qqt::FitOptions options;
    if (!fit_law.empty()) options.law = qqt::parse_law(fit_law, "--law");
    options.loss = qqt::parse_loss(fit_loss, "--loss");
    if (!fit_fix.empty()) options.fixed = qqt::parse_fixed(fit_fix, "--fix");
    if (!fit_shared.empty()) qqt::parse_shared(fit_shared, "--shared", options);
    options.seed = fit_seed;
    qqt::validate(options);
    qqt::BootstrapOptions boot;
    boot.seed = fit_seed;
    if (fit_bootstrap != 0) {
      boot.resamples = fit_bootstrap;
      qqt::validate(boot);
    }
    qqt::ConfigOptions load_options;
    load_options.allow_missing_parameters = true;
    const qqt::Config config = qqt::load_config_file(fit_config, load_options);
    const qqt::Observations observations = qqt::load_observations_file(fit_observations, config.model);
    const qqt::FitResult result = qqt::fit(config.model, observations, options);
    std::optional<qqt::BootstrapRecord> record;
    if (fit_bootstrap > 0) {
      ProgressBar bar("bootstrap", !quiet && ::isatty(STDERR_FILENO));
      boot.progress = [&bar](int done, int total) { bar.update(done, total); };
      record = qqt::bootstrap(result, observations, options, boot);
    }
    const qqt::FitRecord fit_record = qqt::make_fit_record(result, observations, options, record);
    const std::string yaml = qqt::render_fitted_config(config, result, fit_record);
    if (fit_output.empty() || fit_output == "-") {
      std::fwrite(yaml.data(), 1, yaml.size(), stdout);
      std::fflush(stdout);
    } else {
      qqt::write_file_atomically(fit_output, yaml);
    }
    if (!quiet) fmt::print(stderr, "{}", qqt::render_fit_summary(result, fit_record));
    if (!fit_output.empty() && fit_output != "-") spdlog::info("wrote {}", fit_output);
    return qqt::kExitOk;
  }
  if (validate_cmd->parsed()) {
    const auto format = qqt::parse_format(val_format, "--format");
    qqt::ValidationOptions options;
    options.max_mae = val_max_mae;
    qqt::validate(options);
    const qqt::Config config = qqt::load_config_file(val_config);
    const qqt::Observations observations = qqt::load_observations_file(val_observations, config.model);
    const qqt::ValidationReport report = qqt::check_predictions(config.model, observations, options);
    CommonArgs out;
    out.output_path = val_output;
    emit(out, qqt::render_validation(config, observations.source, report, format));
    if (!report.passed()) {
      fmt::print(stderr, "qqt: quality check failed: MAE {} exceeds --max-mae {}\n", qqt::exact_number(report.mae), qqt::exact_number(*options.max_mae));
      return qqt::kExitRegression;
    }
    return qqt::kExitOk;
  }
  throw qqt::InternalError("no subcommand ran");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const qqt::InputError& e) {
    fmt::print(stderr, "qqt: error: {}\n", e.what());
    return qqt::kExitBadInput;
  } catch (const qqt::NumericalError& e) {
    fmt::print(stderr, "qqt: numerical failure: {}\n", e.what());
    return qqt::kExitFailure;
  } catch (const qqt::EnvironmentError& e) {
    fmt::print(stderr, "qqt: error: {}\n", e.what());
    return qqt::kExitFailure;
  } catch (const qqt::InternalError& e) {
    fmt::print(stderr, "qqt: internal error (please report): {}\n", e.what());
    return qqt::kExitFailure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "qqt: internal error (please report): {}\n", e.what());
    return qqt::kExitFailure;
  }
}
