// The planner (spec §6): evaluate filter levels at every budget, pick the best, mark the Pareto
// set in (unique samples kept, predicted error), and find the budgets where the best level changes.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qqt/law.hpp"
#include "qqt/strategy.hpp"

namespace qqt {

/// Everything the planner says about one budget.
struct BudgetPlan {
  double budget_samples = 0.0;
  std::vector<Candidate> candidates;     ///< the top-k levels, in strategy order
  std::size_t best = 0;                  ///< index of the lowest error among feasible candidates (ties: the earlier)
  std::optional<std::size_t> runner_up;  ///< second-lowest error among feasible candidates, if there are two
  double margin = 0.0;                   ///< runner-up error minus best error (>= 0); 0 without runner-up
  /// The searched families' bests, in the order of Family (search_plan only).
  std::vector<FamilyBest> families;
  /// Index into `families` of the overall best (search_plan only); nullopt where infeasible.
  std::optional<std::size_t> best_family;
  /// Why no searched strategy meets the constraints at this budget (one line naming the binding
  /// constraint); empty when one does. Infeasible budgets have no overall best (search_plan only).
  std::string infeasible;

  bool feasible() const { return infeasible.empty(); }

  const Candidate& best_candidate() const { return candidates[best]; }
  /// The overall best: the best family's strategy after a search, else the best top-k level.
  /// Only where feasible().
  const Candidate& overall_best() const { return best_family ? *families[*best_family].best : candidates[best]; }
  /// The family of overall_best(): topk without a search.
  Family overall_family() const { return best_family ? families[*best_family].family : Family::topk; }
};

/// A budget where the best strategy changes (spec §6).
struct Crossover {
  double budget_samples = 0.0;  ///< where the two curves cross, to PlanOptions::crossover_rel_tol
  std::string from;             ///< best strategy just below
  std::string to;               ///< best strategy just above
};

/// Options of `plan` (validated by validate(PlanOptions)).
struct PlanOptions {
  /// Budgets in samples seen, each finite, > 0 and <= 1e18; reported in the given order.
  /// At least one. No default.
  std::vector<double> budgets_samples;
  /// Crossovers are searched on a log grid of this many points per decade between the smallest
  /// and largest budget, then bisected. Range 4..10000. Default 64. A best level that changes and
  /// changes back within one grid cell (1/64 decade, 3.7%) can be missed.
  int crossover_grid_per_decade = 64;
  /// Relative precision of a reported crossover budget. Range [1e-15, 1e-3]. Default 1e-9
  /// (the contract is 1e-6).
  double crossover_rel_tol = 1e-9;
  /// The most passes over any pool in the training runs behind the config's parameters (the fit:
  /// block), or inf when unknown. A strategy that repeats a pool more often is marked
  /// kExtrapolatesPasses. Range (0, inf]. Default inf.
  double fitted_max_passes = std::numeric_limits<double>::infinity();
};

/// Throws InputError naming the field, its value and the rule.
void validate(const PlanOptions& options);

/// A budget interval over which a family's best strategy stays the same (topk, subsets), stays at the
/// same level (threshold) or uses the same pools (mixture), with that best at both ends.
struct FrontierInterval {
  double from = 0.0;                            ///< budget, samples
  double to = 0.0;                              ///< budget, samples (>= from)
  std::string strategy;                         ///< "top-2", "subset-1+3", "threshold-3", "mixture"; empty: none feasible
  std::shared_ptr<const StrategyInfo> at_from;  ///< the family's best at `from`; null: no feasible strategy
  std::shared_ptr<const StrategyInfo> at_to;    ///< ... at `to` (the same as at_from for topk and subsets)
};

/// One family's frontier over the budget span.
struct FamilyFrontier {
  Family family = Family::topk;
  /// Ascending. topk, subsets, threshold: contiguous, covering [min, max] budget, the boundaries bisected
  /// to PlanOptions::crossover_rel_tol. mixture: the requested budgets grouped by the pools the
  /// optimum uses; from and to are the first and last budget of a group (no bisection).
  std::vector<FrontierInterval> intervals;
};

/// What was searched, echoed in the output (search_plan only).
struct SearchEcho {
  std::vector<Family> families;                ///< in the order of Family
  std::string constraints;                     ///< describe(Constraints), "none" without
  double max_passes = 0.0;                     ///< as given (inf: none)
  double max_unique = 0.0;                     ///< as given (inf: none)
  std::vector<double> min_weight, max_weight;  ///< per pool, pool order
  std::uint64_t seed = 0;                      ///< mixture starts
  bool only_seen = true;                       ///< mixture kept data at most what the budget draws
};

/// The plan: every budget with its candidates, and the crossovers inside [min, max] budget.
struct PlanResult {
  std::vector<BudgetPlan> budgets;
  std::vector<Crossover> crossovers;     ///< of the top-k levels, ascending in budget
  std::optional<SearchEcho> search;      ///< set by search_plan
  std::vector<FamilyFrontier> frontier;  ///< set by search_plan when asked for
  /// Things the user should know about the result (e.g. budgets where the law predicts an error
  /// of 1 or more, below its useful range). The app logs them as warnings on stderr.
  std::vector<std::string> warnings;
};

/// Evaluates `strategies` (at least one) at every budget of `options`.
PlanResult plan(const Model& model, const std::vector<NamedStrategy>& strategies, const PlanOptions& options);

/// Sets Candidate::extrapolation on every candidate and family best of `result`: non-uniform
/// weights, pool passes beyond options.fitted_max_passes, budgets below the law's range (n < N0 / a).
void mark_extrapolation(PlanResult& result, const Model& model, const PlanOptions& options);

/// Best, runner-up and margin (rank()) among the feasible candidates of `b`, and their Pareto marks.
void rank_levels(BudgetPlan& b);

/// One strategy's predicted error at one budget (`qqt predict`).
struct Prediction {
  double budget_samples = 0.0;
  double error = 0.0;
  double accuracy = 0.0;  ///< 1 - error
  double passes = 0.0;    ///< budget / unique samples
  double unique_samples = 0.0;
};

/// Evaluates one strategy at each budget (budgets validated as in PlanOptions).
std::vector<Prediction> predict(const Model& model, const Strategy& strategy, const std::vector<double>& budgets_samples);

/// One warning for the budgets at which `errors` (the best predicted error at each of
/// `budgets_samples`) is 1 or more, below the law's useful range (a n near or below N0), naming
/// them, the best error there and N0/a; `subject` says whose error ("every strategy"). Empty
/// when there are none. plan() puts it in PlanResult::warnings.
std::string below_range_warning(const Model& model, const std::vector<double>& budgets_samples, const std::vector<double>& errors,
                                std::string_view subject);

/// below_range_warning for one strategy's predictions (`qqt predict`): the app prints it as plan does.
std::string prediction_warning(const Model& model, const std::vector<Prediction>& predictions);

}  // namespace qqt
