#include "repetition_sum.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "law_kernel.hpp"
#include "qqt/error.hpp"

namespace qqt::detail {
namespace {

constexpr double kEuler = 0.57721566490153286061;
// exp(-x) underflows to 0 in double for x above about 745.13.
constexpr double kExpUnderflow = 746.0;

}  // namespace

double expint(int n, double x) {
  constexpr int kMaxIterations = 100000;
  constexpr double kEps = std::numeric_limits<double>::epsilon() / 2;
  constexpr double kTiny = 1e-300;
  if (n < 1 || !(x >= 0.0) || (x == 0.0 && n == 1)) {
    throw InternalError(fmt::format("expint: E_{}({}) is outside its domain", n, x));
  }
  const int nm1 = n - 1;
  if (x == 0.0) return 1.0 / nm1;
  if (x > kExpUnderflow) return 0.0;
  if (x > 1.0) {  // modified Lentz continued fraction
    double b = x + n;
    double c = 1.0 / kTiny;
    double d = 1.0 / b;
    double h = d;
    for (int i = 1; i <= kMaxIterations; ++i) {
      const double an = -static_cast<double>(i) * (nm1 + i);
      b += 2.0;
      d = 1.0 / (an * d + b);
      c = b + an / c;
      const double del = c * d;
      h *= del;
      if (std::abs(del - 1.0) <= kEps) return h * std::exp(-x);
    }
  } else {  // power series
    double ans = nm1 != 0 ? 1.0 / nm1 : -std::log(x) - kEuler;
    double fact = 1.0;
    for (int i = 1; i <= kMaxIterations; ++i) {
      fact *= -x / i;
      double del = 0.0;
      if (i != nm1) {
        del = -fact / (i - nm1);
      } else {
        double psi = -kEuler;
        for (int ii = 1; ii <= nm1; ++ii) psi += 1.0 / ii;
        del = fact * (-std::log(x) + psi);
      }
      ans += del;
      if (std::abs(del) <= std::abs(ans) * kEps) return ans;
    }
  }
  throw NumericalError(fmt::format("expint: E_{}({}) did not converge", n, x));
}

const double* log_ratios() {
  static const std::array<double, kLogRatios> table = [] {
    std::array<double, kLogRatios> t{};
    // Through a volatile function pointer: the C library's log1p at run time, exactly as
    // repetition_term calls it. Called directly, GCC folds the whole table at compile time to
    // correctly rounded values, which differ from glibc's by an ulp (k = 5).
    double (*volatile log1p_at_run_time)(double) = static_cast<double (*)(double)>(std::log1p);
    for (int k = 1; k < kLogRatios; ++k) t[k] = log1p_at_run_time(1.0 / k);
    return t;
  }();
  return table.data();
}

double repetition_term(double lambda, double x) { return std::exp(-lambda * x) * std::log1p(1.0 / x); }

namespace {

// repetition_term at a whole k >= 1, with ln(1 + 1/k) from `ratios` (log_ratios()) while it lasts:
// the same value.
double repetition_term_at(double lambda, int k, const double* ratios) {
  const double ratio = k < kLogRatios ? ratios[k] : std::log1p(1.0 / k);
  return std::exp(-lambda * k) * ratio;
}

// d^m/dx^m of f(x) = exp(-lambda x) ln(1 + 1/x), by Leibniz' rule:
//   h = exp(-lambda x):  h^(q) = (-lambda)^q h
//   g = ln(1 + 1/x):     g^(r) = (-1)^(r-1) (r-1)! [ (x+1)^-r - x^-r ],  r >= 1
double term_derivative(double lambda, double x, int m) {
  const double h = std::exp(-lambda * x);
  if (h == 0.0) return 0.0;
  const double inv_x = 1.0 / x;
  const double log_ratio = std::log1p(inv_x);  // ln(1 + 1/x)
  // g^(r) for r = 0..m, built up with running powers instead of pow().
  double g[16];
  g[0] = log_ratio;
  double inv_x_pow = 1.0;  // x^-r
  double factorial = 1.0;  // (r-1)!
  for (int r = 1; r <= m; ++r) {
    inv_x_pow *= inv_x;
    if (r > 1) factorial *= (r - 1);
    // (x+1)^-r - x^-r = x^-r expm1(-r ln(1 + 1/x)), without cancellation
    g[r] = ((r - 1) % 2 == 0 ? 1.0 : -1.0) * factorial * inv_x_pow * std::expm1(-r * log_ratio);
  }
  double total = 0.0;
  double binom = 1.0;             // C(m, r)
  double minus_lambda_pow = 1.0;  // (-lambda)^(m-r), from r = m down
  for (int r = m; r >= 0; --r) {
    total += binom * minus_lambda_pow * g[r];
    minus_lambda_pow *= -lambda;
    binom = binom * r / (m - r + 1);
  }
  return total * h;
}

// int_x^inf exp(-lambda x) ln(1 + 1/x) dx for x >= 512, through ln(1+1/x) = sum_j (-1)^(j+1) / (j x^j)
// (the terms past j = 6 are below 1e-19 of the first) and
//   int_x^inf exp(-lambda t) t^-j dt = x^(1-j) E_j(lambda x).
// With lambda = 0 the j = 1 term diverges; callers then use the difference form below.
double upper_integral(double lambda, double x) {
  constexpr int kTerms = 6;
  double total = 0.0;
  for (int j = kTerms; j >= 1; --j) {  // smallest first
    total += ((j % 2 == 1) ? 1.0 : -1.0) / j * std::pow(x, 1 - j) * expint(j, lambda * x);
  }
  return total;
}

// int_a^b of the same integrand when lambda = 0: ln(b/a) and (a^(1-j) - b^(1-j)) / (j - 1).
double plain_integral(double a, double b) {
  constexpr int kTerms = 6;
  double total = 0.0;
  for (int j = kTerms; j >= 1; --j) {
    const double piece = j == 1 ? std::log(b / a) : (std::pow(a, 1 - j) - std::pow(b, 1 - j)) / (j - 1);
    total += ((j % 2 == 1) ? 1.0 : -1.0) / j * piece;
  }
  return total;
}

// B_{2j} / (2j)! for j = 1..4
constexpr std::array<double, 4> kBernoulli = {1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600};

// f(x)/2 + sum_j B_2j/(2j)! f^(2j-1)(x): the end correction of Euler-Maclaurin at x.
double end_correction(double lambda, double x) {
  double total = 0.5 * repetition_term(lambda, x);
  for (std::size_t j = 0; j < kBernoulli.size(); ++j) {
    total += kBernoulli[j] * term_derivative(lambda, x, 2 * static_cast<int>(j) + 1);
  }
  return total;
}

}  // namespace

double em_upper_end(double lambda, double x) {
  if (lambda * x > kExpUnderflow) return 0.0;
  return -upper_integral(lambda, x) + end_correction(lambda, x);
}

// sum_{k=a..b} f(k) = int_a^b f + (f(a) + f(b))/2 + sum_j B_2j/(2j)! (f^(2j-1)(b) - f^(2j-1)(a)) + R,
// with R below 1e-20 of the sum for a >= 512 (the derivatives shrink like (lambda + 2j/a)^(2j)).
double euler_maclaurin_sum(double lambda, double a, double b) {
  if (lambda * a > kExpUnderflow) return 0.0;
  if (lambda == 0.0) {
    return plain_integral(a, b) + end_correction(0.0, b) - end_correction(0.0, a) + repetition_term(0.0, a);
  }
  return em_upper_end(lambda, b) - em_upper_end(lambda, a) + repetition_term(lambda, a);
}

RepetitionSum::RepetitionSum(double lambda) : lambda_(lambda), table_{0.0} {
  if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
    throw InternalError(fmt::format("RepetitionSum: lambda must be finite and >= 0, got {}", lambda));
  }
}

void RepetitionSum::grow_to(int m) const {
  if (converged_ || static_cast<int>(table_.size()) > m) return;
  // Each pass's term is computed once: the convergence test's rest_bound(lambda, k) is the next
  // term over 1 - delta (law_kernel.hpp), the same arithmetic, so the table is bit-identical.
  const double one_minus_delta = -std::expm1(-lambda_);
  table_.reserve(static_cast<std::size_t>(std::min(m, kTableCap)) + 1);
  int k = static_cast<int>(table_.size());
  const double* ratios = log_ratios();
  double term = repetition_term_at(lambda_, k, ratios);
  while (k <= m) {
    // Neumaier compensated summation keeps the table exact to about 1 ulp of C(k).
    const double t = sum_ + term;
    compensation_ += std::abs(sum_) >= std::abs(term) ? (sum_ - t) + term : (term - t) + sum_;
    sum_ = t;
    table_.push_back(sum_ + compensation_);
    const double next = repetition_term_at(lambda_, k + 1, ratios);
    if (lambda_ > 0.0 && next / one_minus_delta <= kTailTolerance * table_.back()) {
      converged_ = true;
      return;
    }
    term = next;
    ++k;
  }
}

double RepetitionSum::prefix(double m) const {
  if (m < 1.0) return 0.0;
  if (m <= kTableCap) {
    const int mi = static_cast<int>(m);
    grow_to(mi);
    return converged_ && mi >= static_cast<int>(table_.size()) ? table_.back() : table_[mi];
  }
  grow_to(kTableCap);
  if (converged_) return table_.back();
  if (!tail_known_) {  // the lower end of the tail is the same for every m: set it up once
    tail_ = RepetitionTail(lambda_, kTableCap, table_[kTableCap]);
    tail_known_ = true;
  }
  return tail_.at(m);
}

}  // namespace qqt::detail
