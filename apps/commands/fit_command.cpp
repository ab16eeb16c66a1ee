#include "fit_command.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <optional>

#include "qqt/bootstrap.hpp"
#include "qqt/error.hpp"
#include "qqt/fit.hpp"
#include "qqt/fit_render.hpp"
#include "qqt/fit_report.hpp"
#include "qqt/io.hpp"
#include "qqt/observations.hpp"
#include "qqt/search.hpp"
#include "qqt/validation.hpp"

namespace qqt::cli {

namespace {
constexpr const char* kFitExamples = R"(Examples:
  qqt fit --config pools.yaml --observations runs.csv --output fitted.yaml
  qqt fit --config pools.yaml --observations runs.csv --output fitted.yaml --bootstrap 200
                                               fit a, d, b, tau to evaluation results, with 90% intervals
  qqt fit --config pools.yaml --observations runs.csv --fix a=0.025,d=0.1 --shared tau --loss huber:0.01
  qqt fit --config pools.yaml --observations runs.csv --output fitted.yaml --cross-validate
                                               + held-out MAE and decision accuracy, leaving out each budget in turn
)";
}  // namespace

void setup_fit(CLI::App& cmd, FitArgs& args) {
  args.seed = FitOptions{}.seed;
  cmd.add_option("-c,--config", args.config_path, "Pools to fit: names and sizes; given a, d, b, tau are starting points")
      ->required()
      ->type_name("FILE");
  cmd.add_option("--observations", args.observations, "CSV of runs: pool,samples_seen,error|accuracy[,weight] ('-' reads stdin)")
      ->required()
      ->type_name("FILE");
  cmd.add_option("-o,--output", args.output_path, "Write the fitted config (YAML, for plan) to FILE atomically (default: stdout)")
      ->type_name("FILE");
  cmd.add_option("--law", args.law, "Law to fit: utility, effective-data or power (default: the config's law)")->type_name("LAW");
  cmd.add_option("--loss", args.loss, "Loss of each residual: squared, or huber:DELTA (robust to outlying runs)")
      ->capture_default_str()
      ->type_name("LOSS");
  cmd.add_option("--fix", args.fix, "Hold parameters: a=0.025,d=0.1 (a bare name holds the config's value; b/tau set every pool)")
      ->type_name("LIST");
  cmd.add_option("--shared", args.shared, "One b and/or one tau for all pools: b, tau or b,tau (tau_i = tau (S_i/S_1)^tau_scaling)")
      ->type_name("LIST");
  add_seed_option(cmd, args.seed, "Seed of the multistart scan and of the bootstrap resampling");
  cmd.add_option("--bootstrap", args.bootstrap, "Refit N resamples of the rows: 90% intervals and parameter sets for plan (0: none)")
      ->capture_default_str()
      ->type_name("N");
  args.threads = default_threads();
  cmd.add_option("--threads", args.threads, "Worker threads for the bootstrap refits (output does not depend on it)")
      ->capture_default_str()
      ->type_name("N");
  cmd.add_flag("--cross-validate", args.cross_validate,
               "Also refit leaving out each budget (or run group, --cv-by group) in turn; held-out MAE and decision accuracy on stderr");
  cmd.add_option("--cv-by", args.cv_by, "What --cross-validate leaves out in turn: budget or group")
      ->capture_default_str()
      ->type_name("budget|group");
  cmd.footer(kFitExamples);
}

int run_fit(const FitArgs& args, Context& ctx) {
  FitOptions options;
  if (!args.law.empty()) options.law = parse_law(args.law, "--law");
  options.loss = parse_loss(args.loss, "--loss");
  if (!args.fix.empty()) options.fixed = parse_fixed(args.fix, "--fix");
  if (!args.shared.empty()) parse_shared(args.shared, "--shared", options);
  options.seed = args.seed;
  validate(options);
  BootstrapOptions boot;
  boot.seed = args.seed;
  boot.threads = args.threads;
  std::optional<FoldBy> fold_by;
  if (args.cross_validate) fold_by = parse_fold_by(args.cv_by, "--cv-by");
  if (args.bootstrap != 0) {
    boot.resamples = args.bootstrap;
    validate(boot);
  }
  check_output(args.output_path);
  check_one_stdin({{"--config", args.config_path}, {"--observations", args.observations}});
  ConfigOptions load_options;
  load_options.allow_missing_parameters = true;
  const Config config = load_config_file(args.config_path, load_options);
  const Observations observations = load_observations_file(args.observations, config.model);
  const FitResult result = fit(config.model, observations, options);
  std::optional<BootstrapResult> record;
  if (args.bootstrap > 0) {
    ProgressBar bar("bootstrap", ctx);
    boot.progress = [&bar](int done, int total) { bar.update(done, total); };
    record = bootstrap(result, observations, options, boot);
  }
  const FitRecord fit_record = make_fit_record(result, observations, options, record ? &*record : nullptr);
  const std::string yaml = render_fitted_config(config, result, fit_record);
  if (to_stdout(args.output_path)) {
    ctx.write_out(yaml);
  } else {
    write_file_atomically(args.output_path, yaml);
  }
  if (!ctx.globals().quiet) ctx.write_err(render_fit_summary(result, fit_record));
  if (fold_by) {
    const CrossValidation cv = cross_validate(config.model, observations, options, *fold_by);
    ctx.write_err(render_cross_validation(cv, observations.metric));
  }
  if (!to_stdout(args.output_path)) spdlog::info("wrote {}", args.output_path);
  return kExitOk;
}

}  // namespace qqt::cli
