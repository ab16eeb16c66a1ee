// Strategies, their candidates at a budget, and how they are ranked: what every search family
// returns and what the planner and the search compare. Below the planner and the families, above
// the law (spec §6: filter levels, best and runner-up, crossovers).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qqt/law.hpp"

namespace qqt {

/// The search families (docs/search.md), in the order they are searched and reported; a later
/// family is seeded with the earlier ones' bests. Names: to_string.
enum class Family { topk, subsets, threshold, mixture };

/// "topk", "subsets", "threshold", "mixture".
const char* to_string(Family family);

/// A strategy with its identity: what the planner compares.
struct NamedStrategy {
  std::string id;     ///< stable machine name, e.g. "top-2"
  std::string label;  ///< for people: "top 20%" (from shares) or the pool names joined by " + "
  Strategy strategy;
};

/// The paper's filter levels top-1 ... top-m: pools 1..k whole (f = 1), uniform over kept data.
std::vector<NamedStrategy> topk_strategies(const Model& model);

/// What a strategy is, whatever the budget: shared by its candidates at every budget.
struct StrategyInfo {
  std::string id;                    ///< NamedStrategy::id, e.g. "top-2"
  std::string label;                 ///< NamedStrategy::label, e.g. "top 20%"
  std::vector<std::string> pools;    ///< names of the pools used, in pool order
  std::vector<double> fractions;     ///< kept fraction per pool, pool order (0 = unused)
  std::vector<double> weights;       ///< sampling weight per pool, pool order (sum 1)
  double unique_samples = 0.0;       ///< U: unique samples kept
  std::vector<double> kept_samples;  ///< u_i = f_i S_i per pool, pool order (samples; 0 = unused)
  /// Weights proportional to the kept data (w_i = u_i / U to 1e-9 relative): sampling uniform over
  /// the kept data, as in the paper. Otherwise the law's extension to weights is used.
  bool uniform_weights = true;
};

/// What a candidate relies on beyond the data behind the config (docs/output.md "extrapolation").
enum Extrapolation : unsigned {
  kExtrapolatesWeights = 1u << 0,  ///< non-uniform weights: the law's extension beyond the paper
  kExtrapolatesPasses = 1u << 1,   ///< a pool repeated more often than in any run of the config's fit: block
  kExtrapolatesBudget = 1u << 2,   ///< budget below the law's range (n < N0 / a)
};

/// The codes of `flags` in bit order: "weights", "passes", "budget".
std::vector<std::string> extrapolation_codes(unsigned flags);

/// One strategy evaluated at one budget.
struct Candidate {
  std::shared_ptr<const StrategyInfo> info;  ///< never null in a PlanResult
  double passes = 0.0;                       ///< budget / U: passes over the kept data
  std::vector<double> pool_passes;           ///< n w_i / u_i per pool, pool order (0 = unused): passes over each used pool
  double max_pool_passes = 0.0;              ///< the largest of pool_passes: what --max-passes bounds
  unsigned extrapolation = 0;                ///< Extrapolation flags (set by the planner: mark_extrapolation)
  double error = 0.0;                        ///< predicted error y(budget)
  double accuracy = 0.0;                     ///< 1 - error
  bool pareto = false;                       ///< no other candidate keeps <= samples with <= error (one strictly)
  bool feasible = true;                      ///< meets the search constraints at this budget (always true without)

  const std::string& strategy() const { return info->id; }
  const std::string& label() const { return info->label; }
  double unique_samples() const { return info->unique_samples; }
};

/// What a strategy is (id, label, pools used, resolved fractions and weights, U), from its Mixture.
std::shared_ptr<const StrategyInfo> strategy_info(const Model& model, const NamedStrategy& strategy, const Mixture& mixture);

/// A candidate for `info` at budget n: passes, error and accuracy from `mixture`.
Candidate evaluate(std::shared_ptr<const StrategyInfo> info, const Mixture& mixture, double n);

/// The candidate of `strategy` at budget n (strategy_info and evaluate in one).
Candidate evaluate(const Model& model, const NamedStrategy& strategy, double n);

/// How an optimiser found a family's best at one budget (the mixture family's NLopt runs).
struct OptimizerSummary {
  std::string algorithm;        ///< the NLopt algorithms used
  std::size_t starts = 0;       ///< starting points screened
  std::size_t evaluations = 0;  ///< objective evaluations over all runs
  std::string stopped;          ///< why the run that found the optimum stopped, e.g. "parameter step below xtol"
  double start_error = 0.0;     ///< best predicted error among the starts (the objective before)
  double error = 0.0;           ///< predicted error of the optimum (after; exact law, Mixture)
};

/// The best strategy of one search family at one budget (docs/search.md).
struct FamilyBest {
  Family family = Family::topk;
  std::optional<Candidate> best;            ///< nullopt: no strategy of the family meets the constraints here
  std::optional<OptimizerSummary> summary;  ///< how an optimising family (mixture) got there, when it found one
};

/// Marks `pareto` on each candidate: minimal in (unique_samples, error). Infeasible candidates are
/// never Pareto-optimal and do not dominate others.
void mark_pareto(std::vector<Candidate>& candidates);

/// The best and the runner-up of a list of errors.
struct Ranking {
  std::optional<std::size_t> best;       ///< index of the lowest error; nullopt if nothing is ranked
  std::optional<std::size_t> runner_up;  ///< lowest error among the others; nullopt without a second entry
  double margin = 0.0;                   ///< runner-up error minus best error (>= 0 when tie_rel_tol = 0); 0 without runner-up
};

/// Ranks `errors` (one per entry, in a fixed order). Entries whose error is not finite (infeasible:
/// pass +inf) are not ranked. An entry becomes the best only if its error is lower than the best so
/// far by more than `tie_rel_tol`, relative (range [0, 1e-3]; 0: strictly lower), so earlier entries
/// win ties; the runner-up is the lowest error among the other ranked entries (ties: the earlier).
Ranking rank(std::span<const double> errors, double tie_rel_tol = 0.0);

/// Budgets from lo to hi (lo <= hi, both > 0) evenly spaced in log: ceil(log10(hi / lo) * per_decade)
/// steps (at least 1), the ends exactly lo and hi. The scan behind crossovers and frontiers.
std::vector<double> log_grid(double lo, double hi, int per_decade);

/// A budget interval [lo, hi] found by bisection.
struct Bracket {
  double lo = 0.0;
  double hi = 0.0;
  /// The geometric midpoint: where a reported crossover sits.
  double at() const;
};

/// Bisects in log space between a < b, where `left(a)` holds and `left(b)` does not, until
/// hi / lo - 1 <= rel_tol (or the midpoint no longer lies strictly inside, at double precision).
/// Returns the last bracket: `left` holds at lo and fails at hi.
Bracket bisect_log(double a, double b, double rel_tol, const std::function<bool(double)>& left);

}  // namespace qqt
