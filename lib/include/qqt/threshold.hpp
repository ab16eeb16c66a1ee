// The `threshold` search family: a continuous filter level (spec §6) keeps pools 1..k-1 whole and a
// fraction f_k of pool k, sampled uniformly over the kept data. Its one parameter is the kept size
// U = S_1 + ... + S_{k-1} + f_k S_k; the search finds the global minimum over U (docs/search.md).
#pragma once

#include <cstddef>
#include <optional>

#include "qqt/constraints.hpp"
#include "qqt/law.hpp"
#include "qqt/strategy.hpp"

namespace qqt {

/// Options of best_threshold (validated by validate(ThresholdOptions)).
struct ThresholdOptions {
  /// Sample points per level, evenly spaced in the kept fraction, besides the level's ends and kinks.
  /// Range [2, 10000]. Default 32.
  int grid_per_level = 32;
  /// Most kinks sampled per budget. The error has a kink wherever the passes n / U cross an integer
  /// j, i.e. at U = n / j; the kinks with the fewest passes (strongest) are taken first. Between the
  /// samples golden-section refinement handles the remaining (weak) kinks: on 400 random models
  /// (tau 0.3-3e4, up to 1e4 passes) 64 kinks gave the optimum of all kinks to 4e-16 relative, at a
  /// third of the time of the earlier default 512 (docs/search.md). Range [0, 1000000]. Default 64.
  int max_kinks = 64;
  /// Local minima of the samples refined by golden-section search, lowest first. Range [1, 1000]. Default 8.
  int max_refinements = 8;
  /// Smallest kept fraction of pool 1 searched: level 1 starts at f_1 = min_fraction. Range (0, 1]. Default 1e-3.
  double min_fraction = 1e-3;
  /// Golden-section search stops when its bracket is narrower than x_tol_rel * U. Range [1e-15, 1e-3].
  /// Default 1e-10.
  double x_tol_rel = 1e-10;
  /// Work bound of one search under the effective-data law (each evaluation walks pass segments,
  /// spec §3): once the evaluations have walked this many segments in all, no further kinks are
  /// sampled and refinement stops; if the level ends and grid alone exceed 2x this, the search
  /// refuses with a NumericalError. Unit: segments (about 10-20 ns each). Range [1e5, 1e10].
  /// Default 5e7 (about a second). The utility law evaluates in bounded time and ignores it.
  double max_walked_segments = 5e7;
};

/// Throws InputError naming the field, its value and the rule.
void validate(const ThresholdOptions& options);

/// The best continuous filter level at one budget, and how the search got there.
struct ThresholdOptimum {
  std::size_t level = 0;        ///< k, 1-based: pools 1..k-1 whole, a fraction of pool k
  double fraction = 0.0;        ///< f_k in (0, 1]; 1 means the top-k level itself
  double unique_samples = 0.0;  ///< U, samples
  double error = 0.0;           ///< its predicted error (search kernel; Mixture agrees to ~1e-13)
  // Summary:
  std::size_t evaluations = 0;   ///< law evaluations used
  std::size_t samples = 0;       ///< of which were sample points (ends, grid, kinks)
  double sampled_error = 0.0;    ///< best error among the sample points, before refinement
  double walked_segments = 0.0;  ///< effective-data law: pass segments walked by all evaluations (0 otherwise)
  bool work_capped = false;      ///< true if max_walked_segments stopped kink sampling or refinement
};

/// The global minimum of the error over all continuous filter levels that meet `constraints` at
/// budget n (only over level `only_level`, 1-based, if it is not 0: pools 1..k-1 whole and any part
/// of pool k, including none); nullopt if none does.
std::optional<ThresholdOptimum> best_threshold(const Model& model, const Constraints& constraints, double n,
                                               const ThresholdOptions& options, std::size_t only_level = 0);

/// The strategy of level k with fraction f of pool k: id "threshold-k"; label "top 23.7%" when every
/// pool has a share, else "pools 1-2 + 37% of pool 3" ("pools 1-3" when f = 1).
NamedStrategy threshold_strategy(const Model& model, std::size_t level, double fraction);

}  // namespace qqt
