// The `subsets` search family: every non-empty subset of pools, each kept whole (f = 1) and sampled
// uniformly over its kept data, searched exhaustively (docs/search.md "subsets").
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "qqt/constraints.hpp"
#include "qqt/law.hpp"
#include "qqt/strategy.hpp"

namespace qqt {

/// The exhaustive search handles at most this many pools (2^20 - 1 subsets).
inline constexpr std::size_t kMaxSubsetPools = 20;

/// A subset of pools as a bit mask: bit i set = pool i (pool order) is used.
using PoolMask = std::uint32_t;

/// The best subset at one budget.
struct SubsetBest {
  PoolMask mask = 0;                                       ///< 0: no subset satisfies the constraints at this budget
  double error = std::numeric_limits<double>::infinity();  ///< its ranking error (see SubsetSearch::error)
};

/// Prepared exhaustive search. With the utility law, subsets are evaluated by a shared kernel: every
/// pool of a uniformly sampled subset has the same period U (its kept size), so the repetition sums
/// depend on (U, pool, budget) only and are computed once per distinct U for all budgets, then reused
/// by every subset with that U (all subsets of the same number of equal-size pools share them). Other
/// laws evaluate one Mixture per subset.
class SubsetSearch {
 public:
  /// Throws InputError if the model has more than kMaxSubsetPools pools.
  SubsetSearch(const Model& model, const Constraints& constraints);

  /// The best feasible subset at each of `budgets` (same order): lowest ranking error, ties to the
  /// lower mask. Uses up to `threads` threads (>= 1); the result does not depend on the count.
  std::vector<SubsetBest> best(std::span<const double> budgets, int threads) const;

  /// Ranking error of one subset at budget n: the predicted error by the search kernel (agrees with
  /// Mixture to ~1e-13 relative; bit-identical to what best() compares).
  double error(PoolMask mask, double n) const;

  /// True if the subset meets the constraints at budget n.
  bool feasible(PoolMask mask, double n) const;

  std::size_t subset_count() const { return unique_.size() - 1; }

 private:
  void best_utility(std::span<const double> sorted, std::vector<SubsetBest>& out, int threads) const;
  void best_mixture(std::span<const double> sorted, std::vector<SubsetBest>& out, int threads) const;

  const Model* model_;
  Constraints constraints_;
  std::vector<double> unique_;    // U per mask (mask 0 unused)
  std::vector<double> slope_;     // beta0 = sum_i (S_i / U) b_i per mask
  std::vector<char> weights_ok_;  // weight bounds and --max-unique hold (budget-independent)
  std::vector<PoolMask> order_;   // feasible masks sorted by (U, mask)
};

/// The strategy of a subset: f = 1 on its pools, uniform over kept data. Id "subset-1+3" (1-based
/// pool numbers); label as the top-k level when the subset is one, else the pool names joined by " + ".
NamedStrategy subset_strategy(const Model& model, PoolMask mask);

}  // namespace qqt
