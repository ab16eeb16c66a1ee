// Internal: the utility law's predicted error and its gradient in the mixture weights, for the
// many-pool mixture search (mixture_search.cpp, docs/search.md "Many pools").
//
// The search over weights w (kept samples by the family's `most` rule: u_i = min(S_i, n w_i) when
// only seen data is kept, else S_i) meets a law that is smooth between pass kinks: with
// x_i = n w_i / S_i, pool i's term of ln R(n) is (spec §5)
//   T_i(n) = w_i b_i ln(a n / N0)                                 x_i <= 1 (at most one pass)
//   T_i(n) = w_i b_i (ln(a S_i / (w_i N0)) + H(lambda_i, x_i))    x_i >  1, K = floor(x_i) whole passes
//   H(lambda, x) = C(K - 1) + exp(-lambda K) ln(x / K),   C(m) = sum_{k<=m} exp(-lambda k) ln(1 + 1/k)
// and each crossing of a whole number of passes K is a kink where dT_i/dw_i jumps by
// b_i (exp(-lambda K) - exp(-lambda (K - 1))) (K >= 2) > 0: a convex kink, where optima often sit.
// The pools couple only through U~ (every lambda_i = ln 2 / (tau_i (U~ / S_i)^kappa)) and, under
// `irreducible: inside`, through n_d = min(n, U). So the gradient is
//   dA/dw_j = dT_j/dw_j + q_j U~ kappa sum_i lambda_i dT_i/dlambda_i,   q_j = d(sum w^2/u)/dw_j,
// (A = ln R(n); the same at n_d, plus dB/dn_d dn_d/dw_j), and y = e^A + d e^(A - B) (inside) or
// e^A + d (outside). dT/dlambda is taken by a central difference of H in lambda (the only part not
// in closed form); everything else is exact.
//
// A pool's *segment* fixes which formula it is taken in: 0 for x <= 1, K >= 1 for K <= x <= K + 1.
// At a kink the segment picks the one-sided derivative; off its segment a formula is continued
// smoothly (a box-constrained solver keeps x inside it).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "qqt/law.hpp"

namespace qqt::detail {

class UtilityGradient {
 public:
  /// The utility law at budget n (samples); only_seen: the family's planning rule (u_i <= n w_i).
  /// Throws InternalError unless law == utility.
  UtilityGradient(const Model& model, double n, bool only_seen);

  /// Predicted error y at weights w (pool order, w_i >= 0, sum 1; pools at w_i = 0 unused) with pool
  /// i in segment[i]; grad[i] = dy/dw_i (one-sided at a kink, as the segment says; for an unused pool,
  /// the derivative of adding it). The value agrees with FastUtility to rounding (tests check 1e-12).
  double evaluate(std::span<const double> w, std::span<const double> segment, std::span<double> grad) const;

  /// The segment w_i lies in: 0 when x_i = n w_i / S_i <= 1, else floor(x_i) (a whole x_i > 1: x_i - 1,
  /// the segment it ends).
  /// U~ = 1 / sum_i w_i^2 / u_i at weights w (pools at w_i = 0 unused), u by the `most` rule.
  double effective_mix(std::span<const double> w) const;
  /// d ln R(n) / dw_i of pool i alone at weight w in `segment`, with the decay rate at effective mix
  /// size `effective_mix` (no coupling terms): how much the pool would pay there, to rank pools that
  /// could enter a mix (its derivative at w = 0 ignores repetition).
  double pool_slope(std::size_t i, double w, double segment, double effective_mix) const;

  /// Segments are whole numbers held as doubles (a pool may make up to 1e18 passes).
  double segment_of(std::size_t i, double w) const;
  /// The weight at which pool i has made k whole passes: k S_i / n.
  double kink_weight(std::size_t i, double k) const;

  std::size_t pools() const { return model_->pools.size(); }
  double n() const { return n_; }

 private:
  const Model* model_;
  double n_;
  bool only_seen_;
};

}  // namespace qqt::detail
