// Internal: a local minimiser of the utility law over mixture weights that follows the law's pass
// kinks (utility_gradient.hpp), for the many-pool mixture search (docs/search.md "Many pools").
//
// Each pool's weight lives in a *segment* between two whole numbers of passes (or below one pass),
// where the law is smooth; at a segment's end (a kink) the derivative jumps up (convex kink), so
// optima often sit there. The method:
//   1. a rough local run (projected quasi-Newton: BFGS on the face of the active bounds, keeping
//      sum w = 1 and the weight bounds) in which every evaluation takes each pool in the segment it
//      is in: pools travel across kinks;
//   2. then, with every pool's segment fixed, a local run on the box of those segments, where the law is
//      smooth, so it converges to the segments' optimum; pools ending at a segment's end are checked
//      against the multiplier of sum w = 1 (the mean derivative of the pools inside their
//      segments): if the one-sided derivative into the neighbouring segment is below it (above it,
//      going down), that pool moves there and step 2 repeats; it stops when no pool gains by moving
//      (the kink conditions of an optimum) or a move does not lower the error;
//   3. kink traps: a pool at a kink may sit in a worse basin than the one across it, and the set of
//      pools used may be wrong. Each round tries neighbouring assignments: every pool at a kink moved
//      to the middle of its other neighbouring segment; a few unused pools let in (at the working
//      pools' median passes and at weights 0.01, 0.03 and 0.1); each used pool left out: plainly,
//      swapped for the entry candidates (its weight shared among them), and swapped for the best
//      candidate alone. Each is re-balanced by a rough run (a moved pool held in
//      its segment, an entering one from below) and settled by step 2; the first that lowers the
//      error is taken and the round starts again. It stops when none does.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "utility_gradient.hpp"

namespace qqt::detail {

/// Options of segment_descent. The defaults are the many-pool mixture search's, chosen on the
/// synthetic growth configs (16-64 pools, 1e8-3e10 samples, tests/bench/pools_bench.cpp).
struct SegmentDescentOptions {
  /// Most evaluations (value and gradient) of a rough run (step 1, and each trial's re-balancing).
  /// Range >= 2. Default 30. (Settling repeats its runs while they gain, so short runs lose nothing:
  /// on the 162 growth searches 20, 30 and 100 gave the same optima to 5e-16, 10 lost up to 4e-11;
  /// 30 is 3x faster than 100.)
  int rough_evaluations = 30;
  /// Most evaluations of each fixed-segment run (step 2). Range >= 2. Default 30.
  int segment_evaluations = 30;
  /// Most segment moves (step 2 repeats) per settling. Range >= 0. Default 64.
  int max_moves = 64;
  /// Rounds of neighbouring-assignment trials (step 3). Range >= 0. Default 64.
  int max_trial_rounds = 64;
  /// Unused pools tried as entries per round (those with the lowest entry derivative), each at four
  /// places, and given a leaving pool's weight in swap trials. Range >= 0. Default 4.
  int entry_trials = 4;
  /// Used pools tried as exits per round (the lightest first), each left out plainly, swapped for
  /// the entry candidates and for the best candidate alone. Range >= 0. Default 64. Fewer missed basins: at 64 pools and 3e9 samples
  /// the optimum leaves out three of the heaviest pools.
  int exit_trials = 64;
  /// Entry candidates each used pool is swapped for alone (the first ones). Range [0, entry_trials]. Default 1.
  int swap_partners = 1;
  /// Evaluations of the whole descent, after which it returns the best point found (its `stopped`
  /// says so): a bound on its time (about 2 s at 64 pools in a release build). Range >= 1. Default 200000.
  std::size_t max_total_evaluations = 200000;
  /// A fixed-segment run stops when no weight moves by more than this (relative) and the error by
  /// less than 1e-16 relative. Default 1e-12.
  double x_tol_rel = 1e-12;
};

/// How segment_descent ended.
struct SegmentDescentResult {
  std::vector<double> weights;  ///< the best point found (sum 1, within lo..hi)
  double error = 0.0;           ///< its predicted error (UtilityGradient)
  std::size_t evaluations = 0;  ///< value-and-gradient evaluations
  int moves = 0;                ///< segment moves made
  int rounds = 0;               ///< rounds of neighbouring-assignment trials
  int trials = 0;               ///< neighbouring assignments settled
  std::string stopped;          ///< why it stopped
};

/// Minimises y over weights w with lo <= w <= hi and sum w = 1, from w0 (which must meet them).
SegmentDescentResult segment_descent(const UtilityGradient& law, const std::vector<double>& lo, const std::vector<double>& hi,
                                     std::vector<double> w0, const SegmentDescentOptions& options);

}  // namespace qqt::detail
