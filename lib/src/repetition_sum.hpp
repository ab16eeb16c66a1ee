// Internal: the repetition sum of the utility law (spec §5),
//
//     C(m) = sum_{k=1..m} delta^k ln(1 + 1/k),   delta = exp(-lambda),  lambda = ln 2 / tau_hat >= 0,
//
// evaluated in bounded time for any m <= 1e18: an exact, compensated prefix table up to
// kTableCap passes (or until the tail is below 1e-17 of the sum), and beyond it an
// Euler-Maclaurin sum whose integral is a series of generalised exponential integrals E_j.
#pragma once

#include <vector>

namespace qqt::detail {

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

class RepetitionSum {
 public:
  /// Largest table size; beyond it the Euler-Maclaurin tail takes over.
  static constexpr int kTableCap = 1024;

  explicit RepetitionSum(double lambda);

  /// C(m) for an integer-valued m >= 0 (m = 0 gives 0).
  double prefix(double m) const;

  double lambda() const { return lambda_; }

 private:
  void grow_to(int m) const;

  double lambda_;
  mutable std::vector<double> table_;  // table_[k] = C(k)
  mutable double sum_ = 0.0;           // Neumaier running sum and its compensation
  mutable double compensation_ = 0.0;
  mutable bool converged_ = false;     // table_.back() is C(infinity) to 1e-17 relative
  mutable double tail_base_ = 0.0;     // C(kTableCap) + f(kTableCap+1) - em_upper_end(kTableCap+1), once known
  mutable bool tail_base_known_ = false;
};

}  // namespace qqt::detail
