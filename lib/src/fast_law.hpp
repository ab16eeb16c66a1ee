// Internal: a fast evaluator of the utility law (spec §2, in the separable form of spec §5) for the
// searches, which evaluate many *different* strategies once each. qqt::Mixture is built for the
// opposite case (one strategy at many budgets: it tabulates the repetition sums once and reuses them);
// rebuilding those tables for every trial point of an optimiser would cost ~50 ns per pass and pool.
//
// Here the repetition sum C(m) = sum_{k=1..m} delta^k ln(1 + 1/k) is summed directly (powers of delta
// by repeated multiplication, re-anchored with exp every 32 passes, ln(1+1/k) from a shared table)
// up to kDirectPasses, stopping early once the rest is below 1e-17 of the sum, and past that by the
// Euler-Maclaurin tail of law_kernel.hpp. Everything else (decay rate, partial pass, closing formula)
// is the kernel's, shared with Mixture and SubsetSearch. It agrees with Mixture to about 1e-13 relative (tests
// check 1e-12); every number qqt reports is still computed by Mixture: this kernel only ranks trial
// strategies.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "law_kernel.hpp"
#include "qqt/law.hpp"

namespace qqt::detail {

/// Passes summed term by term before the Euler-Maclaurin tail takes over (it is accurate from 512 on;
/// starting it later makes its continued fractions converge faster and is rarely needed at all).
inline constexpr int kDirectPasses = 2048;

/// Walks C(m) = sum_{k=1..m} exp(-lambda k) ln(1 + 1/k) upwards: advance_to(m) for non-decreasing m.
/// Terms are summed in blocks of 32 (four interleaved accumulators, so the loop pipelines), the
/// block sums in order, then the terms of the last, partial block in order: each C(m) depends only on
/// (lambda, m), not on the path taken, so a walk over many m and a fresh walk to one m give
/// bit-identical results.
class PrefixWalker {
 public:
  static constexpr int kBlock = 32;
  explicit PrefixWalker(double lambda);
  /// C(m) for an integer-valued m >= 0 not below the previous call's m.
  double advance_to(double m);

 private:
  void ensure_powers(int count);  // step_powers_[0..count) known
  double block_step();            // block_step_, made on first use

  double lambda_;
  double step_;                 // exp(-lambda)
  double step_powers_[kBlock];  // exp(-lambda j), j = 0..31, by repeated multiplication (first powers_known_ made)
  int powers_known_ = 1;
  double block_step_ = 0.0;  // exp(-lambda 32), once block_step_known_
  bool block_step_known_ = false;
  int blocks_ = 0;          // whole blocks summed: terms 1..32 blocks_
  double anchor_;           // exp(-lambda (32 blocks_ + 1)): first power of the next block
  double sum_ = 0.0;        // C(32 blocks_)
  bool converged_ = false;  // the rest of the series is below 1e-17 of sum_
  double last_m_ = 0.0;     // calls must not go down
  RepetitionTail tail_;     // past kDirectPasses (law_kernel.hpp), set up once
  bool tail_known_ = false;
};

/// H(lambda, x) = [K >= 1] (C(K - 1) + exp(-lambda K) ln(x / K)) with K = floor(x): pool i's share of
/// ln R beyond its first-pass term, where x = n / P_i is the passes over the pool (spec §5, G_i).
double pass_sum(double lambda, double passes);

/// pass_sum at ascending `passes`, sharing one walk: out[j] = pass_sum(lambda, passes[j]).
void pass_sums(double lambda, std::span<const double> passes, std::span<double> out);

/// lambda_i = ln 2 / tau_hat_i with tau_hat_i = tau_i (mix / S_i)^kappa (spec §2; mix = U~, which is U
/// for a uniform mix), by the kernel's one rule (law_kernel.hpp decay_rate, capped).
double decay_rate(const Pool& pool, double mix_samples, double tau_scaling);

/// The utility law for arbitrary strategies, fast. Construction requires law == utility.
class FastUtility {
 public:
  explicit FastUtility(const Model& model);

  /// Predicted error y(n) for kept samples kept[i] = f_i S_i and weights w_i (pool order; a pool is
  /// used iff w_i > 0, and then kept[i] >= 1; weights sum to 1). No validation: callers map their
  /// variables to valid strategies (Mixture would reject the rest). Returns +inf if the result is not finite.
  double error(std::span<const double> kept, std::span<const double> weights, double n) const;

  const Model& model() const { return *model_; }

 private:
  const Model* model_;
};

}  // namespace qqt::detail
