// The `mixture` search family: free kept fractions f_i in [0, 1] and sampling weights w on the simplex,
// optimised with NLopt from several deterministic starts (docs/search.md "mixture").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "qqt/constraints.hpp"
#include "qqt/law.hpp"
#include "qqt/strategy.hpp"

namespace qqt {

/// Options of optimize_mixture (validated by validate(MixtureSearchOptions)).
struct MixtureSearchOptions {
  /// Seed of the pseudo-random starts (std::mt19937_64). Any value. Default 1. The same seed gives
  /// the same result on every run and for any thread count.
  std::uint64_t seed = 1;
  /// Pseudo-random starts, besides the given seeds, the uniform mix of all pools and one start per
  /// pool. Range [0, 1000]. Default 4.
  int random_starts = 4;
  /// Every start is first screened by a loose local run that stops when no variable moves by more
  /// than this (relative). Range [1e-15, 0.5]. Default 1e-2.
  double screening_x_tol_rel = 1e-2;
  /// The best screened points are then polished by tight local runs: this many. Range [1, 1000]. Default 3.
  int polished_starts = 3;
  /// Most objective evaluations of one local run. Range [10, 10000000]. Default 3000.
  int max_evaluations = 3000;
  /// A polishing run stops when no variable moves by more than this (relative). Range [1e-15, 1e-2].
  /// Default 1e-10.
  double x_tol_rel = 1e-10;
  /// ... or when the predicted error improves by less than this (absolute). Range [0, 1e-3]. Default 1e-14.
  double f_tol_abs = 1e-14;
  /// The planning rule: a pool keeps no more than the budget draws from it, f_i S_i <= n w_i for every
  /// used pool (a plan never tells anyone to keep data they will not train on). Off (--allow-unseen),
  /// a pool may keep all of itself whatever its weight; under the law with the effective mix size
  /// (spec §2) such unseen data only enters through w_i^2 / u_i, and on the default config the
  /// optimum does not change (docs/search.md "Artefacts"). Default true (--allow-unseen: false).
  bool only_seen = true;
  /// From this many pools on, the utility law's search (when --max-unique does not bind) uses segment
  /// descent, a gradient method that follows the law's pass kinks, instead of the derivative-free
  /// multistart above (random_starts, screening and polishing then do not apply): at 16 pools and more
  /// the multistart costs seconds per budget and misses basins (docs/search.md "Many pools"). A
  /// value above the pool count keeps the multistart. Range [2, 1000000]. Default 16.
  int structured_min_pools = 16;
  /// Most law evaluations (value and gradient) of one segment descent, after which it returns the
  /// best point found: a bound on one search's time (about 2 s at 64 pools). Range [100, 1e8].
  /// Default 200000 (the growth benchmark's searches use up to ~40,000).
  double structured_max_evaluations = 200000;
  /// Work bound of one search (one budget) under the effective-data law, whose every evaluation walks
  /// pass segments (spec §3; the other laws evaluate in bounded time and ignore it). Each evaluation
  /// may walk only what is left of the bound (more counts as +inf), and once the evaluations have
  /// walked this many segments in all the search makes no further evaluation: it returns the best
  /// point found so far (never worse than a seed) and its summary's `stopped` names this option.
  /// If nothing was evaluated and there is no seed, it throws NumericalError naming the option.
  /// Unit: pass segments (about 10-20 ns each). Range [1e3, 1e10]. Default 5e7 (about a second).
  double max_walked_segments = 5e7;
};

/// Throws InputError naming the field, its value and the rule.
void validate(const MixtureSearchOptions& options);

/// How the optimiser ran (OptimizerSummary, strategy.hpp).
using MixtureSummary = OptimizerSummary;

/// The best mixture found at one budget.
struct MixtureOptimum {
  Strategy strategy;   ///< fractions and weights (resolved, summing to 1) in pool order
  double error = 0.0;  ///< predicted error (Mixture)
  MixtureSummary summary;
  double walked_segments = 0.0;  ///< effective-data law: pass segments walked by the search's evaluations (0 otherwise)
  bool work_capped = false;      ///< true if max_walked_segments ended the search
};

/// Minimises the predicted error at budget n over every (f, w) that meets `constraints` (and, with
/// only_seen, f_i S_i <= n w_i), starting from each of `seeds` (strategies that meet the constraints,
/// e.g. the best top-k, subset and threshold strategies) among others. The result is never worse than
/// a seed by more than 1e-12 relative (rounding). nullopt when no mixture meets the constraints at n (check_budget_feasible says why).
std::optional<MixtureOptimum> optimize_mixture(const Model& model, const Constraints& constraints, double n,
                                               std::span<const Strategy> seeds, const MixtureSearchOptions& options);

/// optimize_mixture warm-started from `warm`, the optimum at the neighbouring budget `warm_budget`
/// of a sweep (any strategy: it is mapped to the nearest one that meets the constraints at n). The
/// starts are the seeds, `warm` itself and `warm` carried to n along its kinks (a whole pool drawn
/// for exactly k passes keeps k passes), instead of the cold search's many starts; screening and
/// polishing as in optimize_mixture. When `warm` is already optimal its runs stop after a few
/// evaluations. The same arguments give the same result on every run. Never worse than a seed.
std::optional<MixtureOptimum> optimize_mixture_from(const Model& model, const Constraints& constraints, double n,
                                                    std::span<const Strategy> seeds, const Strategy& warm, double warm_budget,
                                                    const MixtureSearchOptions& options);

}  // namespace qqt
