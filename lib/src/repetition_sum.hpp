// Internal: the tabulated engine of the utility law's repetition sum (spec §5),
//
//     C(m) = sum_{k=1..m} delta^k ln(1 + 1/k),   delta = exp(-lambda),  lambda = ln 2 / tau_hat >= 0,
//
// evaluated in bounded time for any m <= 1e18: an exact, compensated prefix table up to
// kTableCap passes (or until the tail is below 1e-17 of the sum), and beyond it the Euler-Maclaurin
// tail of law_kernel.hpp (declared there, implemented in repetition_sum.cpp), whose integral is a
// series of generalised exponential integrals E_j. qqt::Mixture uses it (random access, cached).
#pragma once

#include <vector>

#include "law_kernel.hpp"

namespace qqt::detail {

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
  mutable bool converged_ = false;  // table_.back() is C(infinity) to 1e-17 relative
  mutable RepetitionTail tail_;     // past the table (law_kernel.hpp), set up once
  mutable bool tail_known_ = false;
};

}  // namespace qqt::detail
