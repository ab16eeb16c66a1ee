#include "plan_command.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <optional>

#include "qqt/bootstrap.hpp"
#include "qqt/error.hpp"
#include "qqt/fit_render.hpp"
#include "qqt/quantity.hpp"
#include "qqt/regression.hpp"
#include "qqt/search.hpp"
#include "qqt/text.hpp"

namespace qqt::cli {

namespace {
constexpr const char* kPlanExamples = R"(Examples:
  qqt plan --budget 640M                       best top-k level and best strategy of each search family at 640M
  qqt plan --budget 32M,64M,128M,640M          several budgets, with the crossovers between them
  qqt plan --budgets 1M:100B:50 --format csv   50 log-spaced budgets as CSV
  qqt plan --config pools.yaml --budget 1B --format json --output plan.json
  qqt plan --budget 640M --expect plan.json    exit 3 if the plan changed (CI regression check)
  qqt plan --budget 640M --search topk,threshold
                                               only the top-k levels and continuous levels
  qqt plan --budgets 10M:640M:20 --max-passes 20 --weight-bounds "top 30-40%=:0.05"
                                               best strategies under constraints, with frontiers

The law (docs/law.md): in a mixture each pool's half-life scales with the mix's effective size
U~ = 1 / sum w_i^2 / u_i (U for uniform weights); with irreducible: inside, d is anchored at
n_d = min(n, U).
JSON is schema 2 (docs/output.md): "best" is the overall best of the searched families,
"best_level" the best top-k level; every strategy carries pool_passes, max_pool_passes and
extrapolation (weights, passes beyond the fitted runs, budget below N0/a).
)";
}  // namespace

void setup_plan(CLI::App& cmd, PlanArgs& args) {
  args.tolerance = RegressionOptions{}.tolerance_rel;
  args.max_passes = kNoLimit;
  args.seed = MixtureSearchOptions{}.seed;
  args.threads = default_threads();
  args.warm_chain = SearchOptions{}.warm_chain_budgets;
  add_common(cmd, args.common, "N log-spaced budgets from FROM to TO, e.g. 1M:100B:50; also each family's frontier");
  cmd.add_option("--expect", args.expect_path,
                 "Baseline JSON from an earlier 'plan --format json': exit 3 if the overall best strategy or its error changed")
      ->type_name("FILE");
  cmd.add_option("--tolerance", args.tolerance, "Relative change of a best error that --expect accepts")
      ->capture_default_str()
      ->type_name("REL");
  cmd.add_option("--search", args.search_text,
                 "Search families, comma separated: topk (pools 1..k), subsets (any set of pools, exhaustive, <= 20 pools), "
                 "threshold (pools 1..k-1 and part of pool k), mixture (free weights and fractions, NLopt), or all. "
                 "Default: topk,threshold,mixture, plus subsets with <= 20 pools")
      ->type_name("LIST");
  cmd.add_option("--max-passes", args.max_passes,
                 "Repeat no used pool more than R times: per pool, n w_i / (f_i S_i) <= R (R >= 1; reported as max_pool_passes)")
      ->type_name("R");
  cmd.add_option("--max-unique", args.max_unique_text, "Keep at most N unique samples (e.g. 50M)")->type_name("N");
  cmd.add_option("--min-weight", args.min_weight, "Lower bound of every pool's sampling weight (every pool used)")->type_name("W");
  cmd.add_option("--max-weight", args.max_weight, "Upper bound of every pool's sampling weight")->type_name("W");
  cmd.add_option("--weight-bounds", args.weight_bounds_text,
                 "Per-pool weight bounds NAME=LO:HI, comma separated; LO or HI may be empty (overrides --min/--max-weight)")
      ->type_name("LIST");
  cmd.add_flag("--allow-unseen", args.allow_unseen,
               "Let the mixture keep more of a pool than the budget draws from it (the law then rewards unseen data; "
               "see docs/search.md)");
  add_seed_option(cmd, args.seed, "Seed of the mixture search's random starts (same seed, same result)");
  cmd.add_option("--threads", args.threads, "Worker threads (output does not depend on it); default: hardware threads, at most 2")
      ->capture_default_str()
      ->type_name("N");
  cmd.add_option("--warm-chain", args.warm_chain,
                 "Budgets per warm-started chain: the mixture search at each budget starts from the previous budget's optimum "
                 "(ascending, N consecutive requested budgets per chain, the first searched cold); 1 searches every budget cold")
      ->capture_default_str()
      ->type_name("N");
  cmd.footer(kPlanExamples);
}

int run_plan(const PlanArgs& args, Context& ctx) {
  const auto format = parse_format(args.common.format, "--format");
  check_output(args.common.output_path);
  RegressionOptions regression;
  regression.tolerance_rel = args.tolerance;
  validate(regression);
  // The baseline first: a missing or bad --expect file fails before the work, not after it.
  std::optional<Baseline> baseline;
  if (!args.expect_path.empty()) baseline = load_baseline(args.expect_path);
  const Config config = load_config(args.common);
  PlanOptions options;
  options.budgets_samples = budgets_of(args.common, config);  // FLOPs budgets need the config's model_params
  // Repetition beyond the fitted runs is marked "passes" (docs/output.md); unknown without a fit block.
  if (config.fit && config.fit->max_pool_passes) options.fitted_max_passes = *config.fit->max_pool_passes;
  SearchOptions search;
  if (!args.search_text.empty()) search.families = parse_families(args.search_text, config.model);
  search.constraints.max_passes = args.max_passes;
  if (!args.max_unique_text.empty()) search.constraints.max_unique = parse_count(args.max_unique_text, "--max-unique");
  set_weight_bounds(search.constraints, config.model, args.min_weight, args.max_weight, args.weight_bounds_text);
  search.mixture.seed = args.seed;
  search.mixture.only_seen = !args.allow_unseen;
  search.frontier = !args.common.budget_range.empty();
  search.threads = args.threads;
  search.warm_chain_budgets = args.warm_chain;
  ProgressBar bar("search", ctx);
  search.progress = [&bar](std::size_t done, std::size_t total) {
    bar.update(static_cast<long long>(done), static_cast<long long>(total));
  };
  const bool bootstrapped = config.fit && config.fit->bootstrap;
  if (format == Format::csv && !baseline && !bootstrapped) {
    // Streamed piece by piece: memory stays flat however many budgets (CSV has no frontier). A
    // baseline or a bootstrapped config (decision uncertainty) needs the whole plan at once.
    std::optional<detail::PendingFile> file;
    if (!to_stdout(args.common.output_path)) file.emplace(args.common.output_path);
    auto put = [&](const std::string& text) {
      if (file) {
        file->write(text);
      } else {
        ctx.write_out(text);
      }
    };
    put(plan_csv_header(config));
    search_plan_pieces(config.model, options, search, [&](const PlanResult& piece) {
      for (const auto& w : piece.warnings) spdlog::warn("{}", qqt::printable(w));
      put(plan_csv_rows(config, piece));
    });
    bar.finish();
    if (file) {
      file->commit();
      spdlog::info("wrote {}", args.common.output_path);
    }
    return kExitOk;
  }
  const auto result = search_plan(config.model, options, search);
  bar.finish();
  spdlog::info("{} x {}, {}", count_of(result.budgets.size(), "budget"), count_of(config.model.pools.size(), "level"),
               count_of(result.crossovers.size(), "crossover"));
  for (const auto& w : result.warnings) spdlog::warn("{}", qqt::printable(w));
  PlanExtras extras;
  if (bootstrapped) {
    const auto decisions = decision_uncertainty(config.model, result, *config.fit->bootstrap, args.threads);
    extras = decision_extras(decisions, format == Format::markdown);
  }
  emit(ctx, args.common.output_path, render_plan(config, result, format, render_options(ctx, args.common.output_path), extras));
  if (baseline) {
    const auto report = compare_with_baseline(config, result, *baseline, regression);
    if (!report.ok()) {
      // The config's changes first: they explain the findings.
      for (const auto& line : report.config_changes) ctx.write_err("qqt: regression: " + line + "\n");
      for (const auto& line : report.findings) ctx.write_err("qqt: regression: " + line + "\n");
      return kExitRegression;
    }
    for (const auto& line : report.config_changes) spdlog::info("{}", line);
    spdlog::info("no regression against {} ({} compared)", args.expect_path, count_of(report.budgets_compared, "budget"));
  }
  return kExitOk;
}

}  // namespace qqt::cli
