// The planner (spec §6): evaluate filter levels at every budget, pick the best, mark the Pareto
// set in (unique samples kept, predicted error), and find the budgets where the best level changes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qqt/law.hpp"

namespace qqt {

/// A strategy with its identity: what the planner compares.
struct NamedStrategy {
  std::string id;      ///< stable machine name, e.g. "top-2"
  std::string label;   ///< for people: "top 20%" (from shares) or the pool names joined by " + "
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
};

/// One strategy evaluated at one budget.
struct Candidate {
  std::shared_ptr<const StrategyInfo> info;  ///< never null in a PlanResult
  double passes = 0.0;               ///< budget / U: passes over the kept data
  double error = 0.0;                ///< predicted error y(budget)
  double accuracy = 0.0;             ///< 1 - error
  bool pareto = false;               ///< no other candidate keeps <= samples with <= error (one strictly)

  const std::string& strategy() const { return info->id; }
  const std::string& label() const { return info->label; }
  double unique_samples() const { return info->unique_samples; }
};

/// Everything the planner says about one budget.
struct BudgetPlan {
  double budget_samples = 0.0;
  std::vector<Candidate> candidates;  ///< in strategy order
  std::size_t best = 0;               ///< index of the lowest error (ties: the earlier strategy)
  std::optional<std::size_t> runner_up;  ///< second-lowest error, if there are two candidates
  double margin = 0.0;                ///< runner-up error minus best error (>= 0); 0 without runner-up

  const Candidate& best_candidate() const { return candidates[best]; }
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
};

/// Throws InputError naming the field, its value and the rule.
void validate(const PlanOptions& options);

/// The plan: every budget with its candidates, and the crossovers inside [min, max] budget.
struct PlanResult {
  std::vector<BudgetPlan> budgets;
  std::vector<Crossover> crossovers;  ///< ascending in budget
  /// Things the user should know about the result (e.g. budgets where the law predicts an error
  /// of 1 or more, below its useful range). The app logs them as warnings on stderr.
  std::vector<std::string> warnings;
};

/// Evaluates `strategies` (at least one) at every budget of `options`.
PlanResult plan(const Model& model, const std::vector<NamedStrategy>& strategies, const PlanOptions& options);

/// Marks `pareto` on each candidate: minimal in (unique_samples, error).
void mark_pareto(std::vector<Candidate>& candidates);

}  // namespace qqt
