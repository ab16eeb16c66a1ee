// `qqt plan --search`: the best strategy of each search family at every budget, the overall best,
// and each family's frontier over the budget span (docs/search.md).
//
//   topk       the paper's filter levels: pools 1..k whole, uniform over kept data
//   subsets    every non-empty subset of pools, whole and uniform (exhaustive, up to 20 pools)
//   threshold  continuous filter levels: pools 1..k-1 whole and a fraction f_k of pool k, uniform
//   mixture    free weights w (and kept fractions f), optimised with NLopt
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "qqt/constraints.hpp"
#include "qqt/law.hpp"
#include "qqt/mixture_search.hpp"
#include "qqt/plan.hpp"
#include "qqt/threshold.hpp"

namespace qqt {

/// topk, threshold, mixture, plus subsets when the model has at most kMaxSubsetPools pools.
std::vector<Family> default_families(const Model& model);

/// A comma list of family names, or "all" (every family; subsets only up to kMaxSubsetPools pools).
/// Returned in the canonical order topk, subsets, threshold, mixture, without repeats. Throws
/// InputError for unknown names (with a did-you-mean hint), an empty list, or subsets with too many pools.
std::vector<Family> parse_families(std::string_view text, const Model& model);

/// Options of search_plan (validated by validate(SearchOptions, Model)).
struct SearchOptions {
  /// Families to search; empty = default_families(model).
  std::vector<Family> families;
  /// Constraints every family honours. Default: none.
  Constraints constraints;
  /// The threshold family's search.
  ThresholdOptions threshold;
  /// The mixture family's optimiser.
  MixtureSearchOptions mixture;
  /// Report each family's frontier (intervals of budget) between the smallest and largest budget.
  /// Default false (qqt plan sets it for --budgets FROM:TO:N).
  bool frontier = false;
  /// The frontiers of subsets and threshold scan the requested budgets plus a log grid with this many
  /// points per decade, then bisect every change (top-k uses PlanOptions::crossover_grid_per_decade).
  /// A best that changes and changes back between two scanned budgets is missed. Range [1, 1000]. Default 16.
  int frontier_grid_per_decade = 16;
  /// A family later in the order topk, subsets, threshold, mixture is the overall best only if its
  /// error is lower than the best so far by more than this, relative: simpler strategies win ties
  /// and optimiser noise. Range [0, 1e-3]. Default 1e-9.
  double tie_rel_tol = 1e-9;
  /// Warm-started chains (docs/search.md "Warm starts"): the requested budgets are cut, in request
  /// order, into chains of this many; in a chain the budgets are searched in ascending order and the
  /// mixture search at each starts from the optimum of the previous one (optimize_mixture_from)
  /// instead of a cold multistart. The first budget of every chain is searched cold. A budget's
  /// result therefore depends only on its chain (never on the thread count or which thread runs it),
  /// and equals the cold search's to about 1e-8 relative, at worst 3e-4 where the optimum changes
  /// basin inside the chain (measured, docs/search.md). 1 searches every budget cold, as a single
  /// --budget does. Range [1, 8192] (a divisor of kPlanPieceBudgets keeps pieces and chains aligned).
  /// Default 64 (qqt plan: --warm-chain; 32 until session 5: 64 halves the cold chain heads, about
  /// 10-20% of a 10,000-budget default search, with the same results over 3,000 budgets of the
  /// default config).
  int warm_chain_budgets = 64;
  /// Worker threads (std::thread). Output does not depend on it. Range [1, 256]. Default 1
  /// (qqt plan: --threads, default default_threads()).
  int threads = 1;
  /// Called after each budget's threshold and mixture searches with (budgets done, budgets in all),
  /// for progress bars. Calls are serialised (never two at once) but may come from worker threads.
  /// Default: none.
  std::function<void(std::size_t done, std::size_t total)> progress;
};

/// Throws InputError naming the field (or flag), its value and the rule.
void validate(const SearchOptions& options, const Model& model);

/// Threads `qqt plan` uses by default: the hardware concurrency, capped at 2 (at least 1).
int default_threads();

/// plan() over the top-k levels, then every searched family at every budget, the overall best and,
/// if asked, the frontiers. Top-k candidates that break a constraint are marked infeasible (and
/// skipped for best, runner-up, Pareto marks and crossovers). Throws InputError naming the
/// constraints if no searched family has a feasible strategy at some budget.
PlanResult search_plan(const Model& model, const PlanOptions& plan_options, const SearchOptions& options);

/// Budgets per piece of search_plan_pieces: a multiple of every block size the searches use, so that
/// each budget's result is the same as in one search_plan over all budgets.
inline constexpr std::size_t kPlanPieceBudgets = 8192;

/// search_plan over consecutive pieces of the budgets (kPlanPieceBudgets each, in the given order),
/// handing each piece's result to `sink` as soon as it is ready: a sweep of a million budgets holds
/// one piece in memory, not all (qqt plan --format csv). Per budget the results equal search_plan's;
/// frontiers are not computed and crossovers and warnings are per piece. Fails before the first
/// piece where a budget cannot meet the constraints (check_budget_feasible).
void search_plan_pieces(const Model& model, const PlanOptions& plan_options, const SearchOptions& options,
                        const std::function<void(const PlanResult&)>& sink);

}  // namespace qqt
