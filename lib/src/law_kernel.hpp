// Internal: the one kernel of the utility law (spec/law.md §2 and §5), shared by every evaluator:
//   - qqt::Mixture (law.cpp): one strategy at many budgets, repetition sums from a table
//     (detail::RepetitionSum);
//   - detail::FastUtility (fast_law.cpp): many strategies once each, repetition sums by a streaming
//     walk (detail::PrefixWalker), used by the threshold and mixture searches;
//   - SubsetSearch (subsets.cpp): uniformly sampled subsets, one walk per (U, pool) for all budgets.
// The three differ only in how they obtain the repetition sum C(m); everything else the law does with
// it lives here, once: the decay rate (with its one cap), the partial-pass term, the Euler-Maclaurin
// tail, the accumulation of ln R pool by pool, and the closing formula (irreducible inside/outside).
//
// Symbols (spec §1-§2): S_i pool size, u_i = f_i S_i kept samples (>= 1 for a used pool), w_i weight,
// U = sum u_i, U~ = 1 / sum_i (w_i^2 / u_i) the effective size of the mix (= U for uniform weights
// w_i = u_i / U), tau_hat_i = tau_i (U~ / S_i)^kappa, lambda_i = ln 2 / tau_hat_i,
// delta_i = exp(-lambda_i), P_i = u_i / w_i mix samples per pass over pool i, x_i = n / P_i passes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>

#include "qqt/law_params.hpp"

namespace qqt::detail {

// ---------------------------------------------------------------------------------------------------
// The effective mix size (spec §2): U~ = 1 / sum_i (w_i^2 / u_i) over used pools (w_i > 0, u_i >= 1).
// Two draws are the same sample with probability sum_i w_i^2 / u_i, so the mix behaves like U~
// distinct samples (App. G's derivation of tau_hat, with weights). It is the w-weighted harmonic mean
// of the periods P_i = u_i / w_i, so min_i P_i <= U~ <= U: a pool at a vanishing weight adds nothing
// to it and a tiny pool drawn often shrinks it. For w_i = u_i / U it equals U.

/// U = sum of u_i over used pools (w_i > 0), in pool order (as Mixture and the searches sum it).
template <class Kept, class Weights>
double used_unique(const Kept& kept, const Weights& weights) {
  double unique = 0.0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (weights[i] > 0) unique += kept[i];
  }
  return unique;
}

/// True if the weights are uniform over kept data: w_i == u_i / U for every used pool, with U =
/// used_unique, computed in double exactly as every evaluator computes such weights. For these the
/// spec's P_i = u_i / w_i and U~ are U exactly, and every evaluator uses U itself: u_i / (u_i / U)
/// and 1 / sum_i w_i^2 / u_i round to neighbours of U, and the law amplifies one ulp without bound
/// (tau_hat raises U~ / S_i = 1 to the power kappa; ln R has w_i b_i ln(P_i / n1') with any |b|).
/// Two fuzz findings: Mixture and SubsetSearch (which uses U) disagreed at kappa = 9e223 and at
/// b = -1.4e304.
template <class Kept, class Weights>
bool uniform_over_kept(const Kept& kept, const Weights& weights, double unique) {
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (weights[i] > 0 && weights[i] != kept[i] / unique) return false;
  }
  return true;
}

/// P_i = u_i / w_i, mix samples per pass over pool i; U for a uniform mix (uniform_over_kept).
inline double pass_period(double kept, double weight, bool uniform, double unique) { return uniform ? unique : kept / weight; }

/// U~ from kept samples and weights (pool order; pools with w_i <= 0 are not used); U itself for
/// weights uniform over kept data (see uniform_over_kept).
template <class Kept, class Weights>
double effective_mix_size(const Kept& kept, const Weights& weights) {
  const double unique = used_unique(kept, weights);
  if (uniform_over_kept(kept, weights, unique)) return unique;
  double collisions = 0.0;  // sum_i w_i^2 / u_i
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (weights[i] > 0) collisions += weights[i] * (weights[i] / kept[i]);
  }
  return 1.0 / collisions;
}

/// The smallest kept fraction f of a pool of size_samples >= 1 with f * size_samples >= 1 in double
/// (1 / S, nudged up when rounding leaves the product below 1): what a search keeps of a pool at least.
inline double one_sample_fraction(double size_samples) {
  double f = 1.0 / size_samples;
  while (f * size_samples < 1.0) f = std::nextafter(f, 2.0);
  return std::min(f, 1.0);
}

// ---------------------------------------------------------------------------------------------------
// Decay rate: lambda_i = ln 2 / tau_hat_i, tau_hat_i = tau_i (U~ / S_i)^kappa (spec §2; paper App. G).

/// Largest decay rate used. Any lambda above ~745.2 already makes delta^k = exp(-lambda k) = 0 in
/// double for every pass k >= 1 (the pool is worthless after its first pass), so capping there
/// changes no result; it keeps a half-life that underflows (tau_hat = 0 or a denormal, e.g.
/// tau_scaling 110 at a kept size 1e-3 of a pool) from reaching the sums as inf.
inline constexpr double kMaxDecayRate = 1e300;
/// Smallest decay rate used. Budgets and sizes are at most 1e18 (qqt/quantity.hpp kMaxCount), so
/// every pass k <= 1e18 has lambda k <= 1e-282 and delta^k = 1 in double for any lambda below this:
/// flooring changes no result; it keeps a half-life that overflows (tau_hat = inf) finite.
inline constexpr double kMinDecayRate = 1e-300;

/// lambda = ln 2 / (tau (mix / size)^kappa), clamped to [kMinDecayRate, kMaxDecayRate]. `mix` is the
/// size of the mix the half-life is scaled to (U~, samples), `size` the pool size S_i it was fitted at.
/// When tau_hat is not a normal double (it over- or underflowed), lambda is computed in log space
/// before clamping. This is the one rule for every evaluator (a fuzz finding once reached one copy only).
inline double decay_rate(double tau_passes, double mix_samples, double size_samples, double tau_scaling) {
  const double ratio = mix_samples / size_samples;
  // kappa 1 (the paper's, the default) and 0 skip pow: pow(r, 1) = r and pow(r, 0) = 1 exactly.
  const double scale = tau_scaling == 1.0 ? ratio : tau_scaling == 0.0 ? 1.0 : std::pow(ratio, tau_scaling);
  const double tau_hat = tau_passes * scale;
  const double lambda = std::isnormal(tau_hat)
                            ? std::numbers::ln2 / tau_hat
                            : std::exp(std::log(std::numbers::ln2) - std::log(tau_passes) - tau_scaling * std::log(ratio));
  if (!(lambda >= kMinDecayRate)) return kMinDecayRate;  // also a NaN from 0 * inf: inputs are validated finite
  return std::min(lambda, kMaxDecayRate);
}

/// tau_hat = ln 2 / lambda for messages: the half-life the kernel actually uses, in passes.
inline double half_life(double lambda) { return std::numbers::ln2 / lambda; }

// ---------------------------------------------------------------------------------------------------
// The repetition sum C(m) = sum_{k=1..m} delta^k ln(1 + 1/k) (spec §5). Engines sum it exactly up to
// some N passes, then hand over to the Euler-Maclaurin tail below.

/// The rest of the series past pass m, sum_{k>m} delta^k ln(1+1/k), is at most
/// delta^(m+1) ln(1 + 1/(m+1)) / (1 - delta); engines stop summing once this is below
/// kTailTolerance of the sum (then C(m) = C(infinity) to double precision).
inline constexpr double kTailTolerance = 1e-17;

/// ln(1 + 1/k) for k = 1..kLogRatios - 1 (entry 0 is 0), each exactly std::log1p(1.0 / k): the
/// engines' tables and walks read it instead of calling log1p per pass (bit-identical values).
inline constexpr int kLogRatios = 4096;
const double* log_ratios();

/// Upper bound of the rest of the series past pass m (see kTailTolerance). lambda > 0.
inline double rest_bound(double lambda, double m) {
  const double next = m + 1.0;
  return std::exp(-lambda * next) * std::log1p(1.0 / next) / -std::expm1(-lambda);
}

// The Euler-Maclaurin machinery (implemented in repetition_sum.cpp).

/// Generalised exponential integral E_n(x) = int_1^inf e^{-x t} t^{-n} dt, n >= 1, x >= 0
/// (x = 0 only for n >= 2). Continued fraction for x > 1, power series otherwise (Numerical
/// Recipes 3rd ed. §6.3), to full double precision. Returns 0 once e^{-x} underflows.
double expint(int n, double x);

/// f(x) = exp(-lambda x) ln(1 + 1/x): one pass's contribution to ln R before weighting.
double repetition_term(double lambda, double x);

/// sum_{k=a..b} f(k) for integers 1 <= a <= b by Euler-Maclaurin (accurate for a >= 512).
double euler_maclaurin_sum(double lambda, double a, double b);

/// The two ends of the Euler-Maclaurin sum, so that a fixed lower end can be computed once:
/// euler_maclaurin_sum(l, a, b) = em_upper_end(l, b) - em_upper_end(l, a) + f(a), where
/// em_upper_end(l, x) = -int_x^inf f + f(x)/2 + sum_j B_2j/(2j)! f^(2j-1)(x).
double em_upper_end(double lambda, double x);

/// The Euler-Maclaurin tail, from a direct prefix C(direct_end) on:
///   C(m) = C(N) + sum_{k=N+1..m} f(k) = C(infinity) + em_upper_end(lambda, m),
///   C(infinity) = C(N) + f(N+1) - em_upper_end(lambda, N+1),   f(k) = delta^k ln(1 + 1/k).
/// Accurate for N >= 511 (the Euler-Maclaurin remainder is below 1e-20 of the sum there).
class RepetitionTail {
 public:
  RepetitionTail() = default;
  /// lambda >= 0; prefix = C(direct_end) summed exactly.
  RepetitionTail(double lambda, double direct_end, double prefix) : lambda_(lambda), end_(direct_end), prefix_(prefix) {
    if (lambda > 0.0) infinity_ = prefix + repetition_term(lambda, direct_end + 1.0) - em_upper_end(lambda, direct_end + 1.0);
  }
  /// C(m) for an integer-valued m > direct_end.
  double at(double m) const {
    if (lambda_ == 0.0) return prefix_ + euler_maclaurin_sum(0.0, end_ + 1.0, m);  // no decay: C diverges
    // Past the point where the rest is below kTailTolerance of C(infinity), that is C(m).
    if (rest_bound(lambda_, m) <= kTailTolerance * infinity_) return infinity_;
    return infinity_ + em_upper_end(lambda_, m);
  }

 private:
  double lambda_ = 0.0;
  double end_ = 0.0;
  double prefix_ = 0.0;
  double infinity_ = 0.0;  // C(infinity), lambda > 0 only
};

// ---------------------------------------------------------------------------------------------------
// One pool's share of ln R (spec §5): G_i(n) = ln(a min(P_i, n) / N0) + H(lambda_i, n / P_i),
//   H(lambda, x) = [K >= 1] (C(K - 1) + delta^K ln(x / K)),  K = floor(x):
// the completed passes 1..K-1 in full, then the partial pass K up to x (the reference code uses the
// partial pass's actual count).

/// H(lambda, x) taken in the segment of `whole` = K >= 1 passes: C(K - 1) + delta^K ln(x / K), for any
/// x (continued smoothly off [K, K + 1]; the many-pool search holds a pool's segment fixed while its
/// weight moves, utility_gradient.cpp). prefix(K - 1) must return C(K - 1).
template <class Prefix>
double pass_term_in_segment(double lambda, double passes, double whole, Prefix&& prefix) {
  return prefix(whole - 1.0) + std::exp(-lambda * whole) * std::log1p((passes - whole) / whole);
}

/// H(lambda, x) given the repetition sum: prefix(K - 1) must return C(K - 1) for K = floor(x) >= 1.
template <class Prefix>
double pass_term(double lambda, double passes, Prefix&& prefix) {
  const double whole = std::floor(passes);
  if (!(whole >= 1.0)) return 0.0;
  return pass_term_in_segment(lambda, passes, whole, prefix);
}

/// ln R(n) = sum_i w_i b_i G_i(n), accumulated pool by pool and split as beta0 * l1 + rest with
///   l1 = ln(a n1' / N0),  n1' = min(min_i P_i, n)  (the first breakpoint),  beta0 = sum_i w_i b_i,
///   rest = sum_i w_i b_i (ln(min(P_i, n) / n1') + H(lambda_i, n / P_i)),
/// so that the closing formula can take ln R(n) - ln R(n_d) = rest(n) - rest(n_d) without cancellation
/// (for any n_d in [n1', n], since n1' is the same for both).
class UtilityLogSum {
 public:
  /// first_break = n1' = min(min_i P_i, n) over the used pools; n the budget this sum is taken at.
  UtilityLogSum(const LawParams& params, double first_break, double n)
      : first_break_(first_break), n_(n), l1_(std::log(params.a * first_break / params.normalizer)) {}
  /// Pool i: weight w_i, exponent b_i, period P_i and its pass term H(lambda_i, n / P_i).
  void add(double weight, double b, double period, double pass_term_value) {
    beta0_ += weight * b;
    rest_ += weight * b * (std::log(std::min(period, n_) / first_break_) + pass_term_value);
  }
  double beta0() const { return beta0_; }
  double l1() const { return l1_; }
  double rest() const { return rest_; }

 private:
  double first_break_;
  double n_;
  double l1_;
  double beta0_ = 0.0;
  double rest_ = 0.0;
};

/// n_d = min(n, U): where the irreducible error joins the repetition factor under `irreducible:
/// inside`, the end of the first pass over the mix (U samples drawn; spec §2). U >= U~ >= n1'.
inline double irreducible_anchor(double n, double unique_samples) { return std::min(n, unique_samples); }

/// Largest predicted error any evaluator returns (every law): beyond it the law is far outside its
/// range and derived numbers (accuracy = 1 - y in percent, margins) would overflow. Mixture reports
/// it as a NumericalError, the search kernels rank it as +inf (infeasible).
inline constexpr double kMaxPredictedError = 1e300;

/// y if it is at most kMaxPredictedError, else +inf (NaN included).
inline double bounded_error(double y) { return y <= kMaxPredictedError ? y : HUGE_VAL; }

/// The predicted error (spec §2) from ln R(n) = beta0 * l1 + rest_n and, for `inside`, the rest at
/// n_d (rest_nd; ln R(n) - ln R(n_d) = rest_n - rest_nd):
///   irreducible outside (paper Eq. 3):   y = R(n) + d
///   irreducible inside:                  y = R(n) + d R(n) / R(n_d)
/// For a uniform mix every pool's first pass ends at U = n_d, so rest_nd = 0 and inside is the
/// reference code's ((a U/N0)^beta0 + d) prod_s (n_{s+1}/n_s)^beta_s. Returns +inf when the result
/// is above kMaxPredictedError or not a number; callers decide how to report that.
inline double close_utility(const LawParams& p, double beta0, double l1, double rest_n, double rest_nd) {
  const double r = std::exp(beta0 * l1 + rest_n);
  return bounded_error(p.irreducible == Irreducible::inside ? r + p.d * std::exp(rest_n - rest_nd) : r + p.d);
}

}  // namespace qqt::detail
