// Constraints on the strategies `qqt plan` searches (--max-passes, --max-unique, --weight-bounds,
// --min-weight, --max-weight; docs/search.md "Constraints"). Every search family honours them: a
// strategy that breaks one is infeasible and skipped.
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qqt/law.hpp"

namespace qqt {

/// "No limit" for the numeric constraints.
inline constexpr double kNoLimit = std::numeric_limits<double>::infinity();

/// Constraints are checked with this relative slack, so that weights computed as u_i / U, which
/// carry rounding, do not fail a bound they meet exactly (e.g. w = 0.5 against --max-weight 0.5).
inline constexpr double kConstraintSlack = 1e-9;

struct Constraints {
  /// R (--max-passes): at budget n, no used pool may be repeated more than R times,
  /// passes_i = n w_i / (f_i S_i) <= R. Unit: passes. Range [1, inf]; default inf (no limit).
  /// (Below 1 it would forbid seeing the kept data even once.)
  double max_passes = kNoLimit;
  /// N (--max-unique): at most N unique samples kept, U = sum of f_i S_i over used pools.
  /// Unit: samples. Range (0, inf]; default inf (no limit).
  double max_unique = kNoLimit;
  /// Lower bound of each pool's sampling weight w_i, in pool order (--min-weight, --weight-bounds).
  /// Empty = 0 for every pool. Each in [0, 1]; a pool with a positive lower bound must be used.
  std::vector<double> min_weight;
  /// Upper bound of each pool's sampling weight, in pool order (--max-weight, --weight-bounds).
  /// Empty = 1 for every pool. Each in [min_weight_i, 1]; 0 excludes the pool.
  std::vector<double> max_weight;

  /// True if any constraint is set.
  bool any() const;
  /// Bounds of pool i (0 and 1 when the vectors are empty).
  double lower(std::size_t i) const { return min_weight.empty() ? 0.0 : min_weight[i]; }
  double upper(std::size_t i) const { return max_weight.empty() ? 1.0 : max_weight[i]; }
};

/// Throws InputError naming the flag, the value and the rule: ranges above, vector sizes, and bounds
/// that cannot hold weights summing to 1 (sum of lower bounds > 1 or of upper bounds < 1).
void validate(const Constraints& constraints, const Model& model);

/// Fills min_weight/max_weight: `min_all`/`max_all` (--min-weight/--max-weight) for every pool, then
/// `per_pool` (--weight-bounds "NAME=LO:HI,NAME=LO:HI"; LO or HI may be empty to keep the default)
/// overrides single pools. Unknown pool names are an InputError with a did-you-mean hint. Validates.
void set_weight_bounds(Constraints& constraints, const Model& model, std::optional<double> min_all, std::optional<double> max_all,
                       std::string_view per_pool);

/// Why the strategy (fractions f_i, resolved weights w_i summing to 1, pool order) breaks a
/// constraint at budget n, in one line; empty if it satisfies all of them (with kConstraintSlack).
std::string violation(const Constraints& constraints, const Model& model, std::span<const double> fractions,
                      std::span<const double> weights, double n);

/// The same for a prepared strategy.
std::string violation(const Constraints& constraints, const Model& model, const Mixture& mixture, double n);

/// Throws InputError naming the constraints if no strategy at all can meet them at budget n
/// (--max-passes needs U >= n / R unique samples, more than the pools or --max-unique allow; or it caps
/// pool weights at R S_i / n below their lower bounds or below a sum of 1). When this passes, a
/// feasible free mixture exists (docs/search.md).
void check_budget_feasible(const Constraints& constraints, const Model& model, double n);

/// One line describing the constraints that are set, e.g. "--max-passes 10, --max-unique 50M"; "none".
std::string describe(const Constraints& constraints, const Model& model);

}  // namespace qqt
