// Internal: a search family as one unit (docs/search.md "Families"). search_plan() only
// orchestrates: it asks each family of the table for its best at every budget and for its frontier.
//
// Adding a family: a value of `Family` and its name (strategy.hpp/.cpp), a class deriving from
// SearchFamily in its own file (search_<name>.cpp, beside the family's kernel), one row in
// family_table() (search_family.cpp), and its section in docs/search.md.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qqt/constraints.hpp"
#include "qqt/mixture_search.hpp"
#include "qqt/plan.hpp"
#include "qqt/strategy.hpp"
#include "qqt/threshold.hpp"

namespace qqt::detail {

/// The error of a strategy that breaks a constraint or does not exist: never the best.
inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// What every family sees. All references outlive the families.
struct SearchContext {
  const Model& model;
  const Constraints& constraints;
  const ThresholdOptions& threshold;    ///< SearchOptions::threshold
  const MixtureSearchOptions& mixture;  ///< SearchOptions::mixture
  int threads = 1;                      ///< SearchOptions::threads (>= 1); results do not depend on it
  int frontier_grid_per_decade = 16;    ///< SearchOptions::frontier_grid_per_decade
  const PlanOptions& plan_options;      ///< crossover_rel_tol (frontier boundaries), crossover grid
  const std::vector<double>& budgets;   ///< the requested budgets, request order
  /// The planner's result over the top-k levels (budgets[j] <-> levels.budgets[j]), feasibility and
  /// best level marked under the constraints; its crossovers are final before any frontier() call.
  const PlanResult& levels;
};

/// One search family. The search calls prepare() once, then best() once per budget (concurrently
/// for distinct budgets when costly()), then frontier() if a frontier is asked for.
class SearchFamily {
 public:
  explicit SearchFamily(const SearchContext& context) : ctx_(context) {}
  virtual ~SearchFamily() = default;
  SearchFamily(const SearchFamily&) = delete;
  SearchFamily& operator=(const SearchFamily&) = delete;

  virtual Family family() const = 0;
  /// Work over all budgets at once, before any best() (subsets: the exhaustive pass). Default none.
  virtual void prepare() {}
  /// True if best() does real work per budget (an optimisation): the search then runs the budgets
  /// in parallel, largest first, and reports progress. Default false.
  virtual bool costly() const { return false; }
  /// The family's best at budgets[j] (family() set; best nullopt if nothing meets the constraints).
  /// `earlier`: the bests of the families searched before this one at the same budget, in table
  /// order: seeds for an optimiser (the planner's best top-k level is in ctx_.levels). Must be safe
  /// to call concurrently for distinct j (write only to per-j slots sized in prepare()).
  /// `previous`: the budget searched just before j in its warm-started chain (SearchOptions::
  /// warm_chain_budgets), whose best() has returned on this thread: a family may start from its own
  /// result there; nullopt for the first budget of a chain (search cold).
  virtual FamilyBest best(std::size_t j, std::span<const FamilyBest> earlier, std::optional<std::size_t> previous) = 0;
  /// The family's frontier over [lo, hi] (lo < hi: the smallest and largest budget), after best()
  /// ran at every budget (FamilyFrontier::intervals).
  virtual std::vector<FrontierInterval> frontier(double lo, double hi) = 0;

 protected:
  const SearchContext& ctx_;
};

/// One row of the family table.
struct FamilyEntry {
  Family family;
  /// Why the family cannot search this model (one line for an InputError), or "" if it can.
  std::string (*unavailable)(const Model& model);
  std::unique_ptr<SearchFamily> (*make)(const SearchContext& context);
};

/// Every family, in the order of Family (the search order).
std::span<const FamilyEntry> family_table();
const FamilyEntry& family_entry(Family family);

std::unique_ptr<SearchFamily> make_topk_family(const SearchContext& context);
std::unique_ptr<SearchFamily> make_subsets_family(const SearchContext& context);
std::unique_ptr<SearchFamily> make_threshold_family(const SearchContext& context);
std::unique_ptr<SearchFamily> make_mixture_family(const SearchContext& context);
std::string subsets_unavailable(const Model& model);

// ---- frontier helpers shared by the families ---------------------------------------------------

/// A family's best as a key (top-k level index, subset mask, threshold level); kNoKey: infeasible.
inline constexpr std::uint64_t kNoKey = std::numeric_limits<std::uint64_t>::max();

/// How to find the best key at budgets, and the error of one key (+inf where infeasible).
struct Race {
  std::function<std::vector<std::uint64_t>(const std::vector<double>&)> keys;  ///< at ascending budgets
  std::function<double(std::uint64_t, double)> error;
};

/// A change of the best key at a budget.
struct Change {
  double at;
  std::uint64_t from, to;
};

/// Changes of the best over ascending budgets `at` with known `keys`, each bisected to rel_tol
/// (bisect_log); a third key that beats both at a crossing gets its own interval.
std::vector<Change> find_changes(const std::vector<double>& at, const std::vector<std::uint64_t>& keys, const Race& race, double rel_tol);

/// Budgets to scan: log_grid(lo, hi, per_decade) plus the given budgets inside [lo, hi], ascending, unique.
std::vector<double> scan_points(double lo, double hi, int per_decade, const std::vector<double>& given);

/// race.keys at `at`, reusing the keys already known at some budgets.
std::vector<std::uint64_t> keys_reusing(const Race& race, const std::vector<double>& at, const std::map<double, std::uint64_t>& known);

/// The infos of a key's best at both ends of its interval.
using Ends = std::pair<std::shared_ptr<const StrategyInfo>, std::shared_ptr<const StrategyInfo>>;

/// Intervals [lo, c1], [c1, c2], ..., [ck, hi] from the changes, starting with key `first`.
std::vector<FrontierInterval> intervals_of(double lo, double hi, const std::vector<Change>& changes, std::uint64_t first,
                                           const std::function<std::string(std::uint64_t)>& name,
                                           const std::function<Ends(std::uint64_t, double, double)>& ends);

/// The race of the top-k levels (topk_strategies) under the constraints: the level index is the key.
Race level_race(const Model& model, const Constraints& constraints);

}  // namespace qqt::detail
