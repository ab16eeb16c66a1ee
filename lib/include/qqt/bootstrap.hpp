// How far to trust a fit (docs/fit.md "Uncertainty"): bootstrap refits of resampled observations,
// percentile intervals of every parameter, and, for `qqt plan`, how sure the plan's decision is
// across the bootstrap parameter sets (docs/output.md "Decision uncertainty"). Compute only: the
// tables and JSON are drawn by fit_render.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qqt/fit.hpp"
#include "qqt/fit_record.hpp"
#include "qqt/law.hpp"
#include "qqt/observations.hpp"
#include "qqt/plan.hpp"

namespace qqt {

/// Options of bootstrap() (validated by validate(BootstrapOptions)).
struct BootstrapOptions {
  /// Number of resamples, each refitted. Range 1..100,000. Default 200.
  int resamples = 200;
  /// Seed of the resampling. Any value; default 1. Resample i draws from its own generator seeded
  /// from (seed, i), so the same seed gives the same sets, bit for bit, for any thread count.
  std::uint64_t seed = 1;
  /// Coverage of the percentile intervals. Range [0.5, 0.999]. Default 0.9 (5th to 95th percentile).
  double level = 0.9;
  /// Worker threads for the refits. Range 1..256. Default 1. The result does not depend on it.
  int threads = 1;
  /// Called after each refit with (done, total), from one thread at a time; may be empty. The app
  /// draws a progress bar with it.
  std::function<void(int, int)> progress;
};

/// Throws InputError naming the field, its value and the rule.
void validate(const BootstrapOptions& options);

/// Residuals at or below this times the mean observed error are rounding: the model interpolates
/// its runs, every resample refits to the same parameters, and the bootstrap says nothing.
inline constexpr double kRoundingRmseRel = 1e-8;

/// The polish tolerance of a bootstrap refit (FitOptions::polish_xtol_rel, at least this).
inline constexpr double kRefitPolishXtolRel = 1e-9;

/// What bootstrap() found: the record, or why there is none.
struct BootstrapResult {
  std::optional<BootstrapRecord> record;  ///< nullopt when the bootstrap would say nothing
  std::string uninformative;              ///< why there is no record, for people; empty with a record
};

/// Resamples the rows with replacement within each `pool` label (every kind of run keeps its count
/// of rows), refits each resample from `fitted.model` (one local run and the Levenberg-Marquardt
/// polish to kRefitPolishXtolRel, otherwise the options of the full fit, diagnostics off) and returns the parameter sets and their
/// percentile intervals (linear interpolation between order statistics, "type 7"). Parameters held by `fit_options` keep their value in
/// every set. A resample with fewer rows of positive weight than free parameters keeps the full fit's set. When the full fit's RMSE is at
/// rounding level (kRoundingRmseRel) nothing is refitted and the result says so. Deterministic for a given seed, whatever options.threads.
BootstrapResult bootstrap(const FitResult& fitted, const Observations& observations, const FitOptions& fit_options,
                          const BootstrapOptions& options);

/// The q-quantile (q in [0, 1]) of `values` (not empty) by linear interpolation between order
/// statistics (Hyndman-Fan type 7, R's default).
double quantile(std::vector<double> values, double q);

/// One strategy the plan reports at a budget, across the bootstrap parameter sets.
struct StrategyUncertainty {
  std::shared_ptr<const StrategyInfo> info;  ///< the strategy (id, label, fractions, weights)
  std::string family;                        ///< "topk" for a top-k level, else the family whose best it is
  double error = 0.0;                        ///< predicted error with the fitted parameters (the plan's figure)
  Interval error_interval;                   ///< `level` percentile interval of its predicted error over the sets
  Interval accuracy_interval;                ///< the same for accuracy = 1 - error
  double p_best = 0.0;        ///< share of sets in which it has the lowest error of the compared strategies (ties: the earlier)
  double regret_mean = 0.0;   ///< mean over sets of (its error - the lowest compared error), >= 0
  Interval regret;            ///< `level` percentile interval of that difference
  bool near_optimal = false;  ///< p_best >= kNearOptimalShare, or regret.lo <= 0
};

/// A strategy is near-optimal when it is best in at least this share of the parameter sets.
inline constexpr double kNearOptimalShare = 0.05;

/// How sure the plan's decision is at one budget (docs/output.md "Decision uncertainty").
struct DecisionUncertainty {
  double budget_samples = 0.0;
  std::size_t fits = 0;  ///< parameter sets
  double level = 0.9;    ///< coverage of the intervals
  /// The strategies compared: the feasible top-k levels in order, then each searched family's best
  /// that is not already listed (the same fractions and weights), in family order.
  std::vector<StrategyUncertainty> compared;
  std::size_t recommended = 0;            ///< index in `compared` of the plan's overall best
  std::vector<std::size_t> near_optimal;  ///< indices in `compared` of the near-optimal strategies, in order
  /// One near-optimal strategy: the data settle the choice.
  bool settled() const { return near_optimal.size() <= 1; }
};

/// For every budget of `plan` (made with `model`'s fitted parameters), the figures above over the
/// parameter sets of `record`: each set's model is `model` with the set's a, d, b and tau, and each
/// compared strategy keeps the fractions and weights the plan chose (the mixture is not re-optimised
/// per set). Budgets are done in chunks; `threads` (1..256) split the sets; the result does not
/// depend on it.
std::vector<DecisionUncertainty> decision_uncertainty(const Model& model, const PlanResult& plan, const BootstrapRecord& record,
                                                      int threads = 1);

/// The `level` percentile interval of one strategy's predicted error at each budget over the sets
/// of `record` (`qqt predict`).
std::vector<Interval> prediction_intervals(const Model& model, const Strategy& strategy, const BootstrapRecord& record,
                                           const std::vector<double>& budgets_samples);

}  // namespace qqt
