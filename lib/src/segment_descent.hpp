// Internal: a local minimiser of the utility law over mixture weights that follows the law's pass
// kinks (utility_gradient.hpp), for the many-pool mixture search (docs/search.md "Many pools").
//
// Each pool's weight lives in a *segment* between two whole numbers of passes (or below one pass),
// where the law is smooth; at a segment's end (a kink) the derivative jumps up (convex kink), so
// optima often sit there. The method:
//   1. a rough run of SLSQP (gradient-based, with the constraint sum w = 1 and the weight bounds)
//      in which every evaluation takes each pool in the segment it is in: pools travel across kinks;
//   2. then, with every pool's segment fixed, SLSQP on the box of those segments, where the law is
//      smooth, so it converges to the segments' optimum; pools ending at a segment's end are checked
//      against the multiplier of sum w = 1 (the mean derivative of the pools inside their
//      segments): if the one-sided derivative into the neighbouring segment is below it (above it,
//      going down), that pool moves there and step 2 repeats; it stops when no pool gains by moving
//      (the kink conditions of an optimum) or a move does not lower the error.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "utility_gradient.hpp"

namespace qqt::detail {

/// Options of segment_descent.
struct SegmentDescentOptions {
  /// Most evaluations (value and gradient) of the rough run. Range >= 10. Default 400.
  int rough_evaluations = 400;
  /// Most evaluations of each fixed-segment run. Range >= 10. Default 400.
  int segment_evaluations = 400;
  /// Most segment moves (step 2 repeats). Range >= 0. Default 64.
  int max_moves = 64;
  /// Rounds of neighbouring-assignment trials (step 3). Range >= 0. Default 64.
  int max_trial_rounds = 64;
  /// Unused pools tried as entries per round (those with the lowest entry derivative). Default 4.
  int entry_trials = 4;
  /// Used pools tried as exits per round (the lightest first). Default 8.
  int exit_trials = 8;
  /// A fixed-segment run stops when no weight moves by more than this (relative). Default 1e-12.
  double x_tol_rel = 1e-12;
};

/// How segment_descent ended.
struct SegmentDescentResult {
  std::vector<double> weights;  ///< the best point found (sum 1, within lo..hi)
  double error = 0.0;           ///< its predicted error (UtilityGradient)
  std::size_t evaluations = 0;  ///< value-and-gradient evaluations
  int moves = 0;                ///< segment moves made
  std::string stopped;          ///< why it stopped
};

/// Minimises y over weights w with lo <= w <= hi and sum w = 1, from w0 (which must meet them).
SegmentDescentResult segment_descent(const UtilityGradient& law, const std::vector<double>& lo, const std::vector<double>& hi,
                                     std::vector<double> w0, const SegmentDescentOptions& options);

}  // namespace qqt::detail
