// libFuzzer harness: the search kernel against the exact law. Draws any model a config accepts
// (validate(Model) passes: any finite a, d, N0, tau_scaling, sizes, b and tau in their ranges, not
// only "reasonable" ones), any strategy and any budget up to 1e18, and checks that
//   - detail::FastUtility (threshold and mixture searches) and
//   - SubsetSearch::error (subsets search, for a uniform subset)
// agree with qqt::Mixture to kKernelRelTol, or refuse together: Mixture rejects the strategy
// (InputError, skipped) or its result overflows (NumericalError) exactly when the kernels return a
// non-finite value. Nothing else may be thrown (an InternalError is a finding).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "fast_law.hpp"
#include "law_kernel.hpp"
#include "qqt/constraints.hpp"
#include "qqt/error.hpp"
#include "qqt/law.hpp"
#include "qqt/subsets.hpp"

namespace {

// Agreement between the kernels and Mixture, relative to the error (spec §5's 1e-12). Both sum the
// same series in a different order (table vs streaming walk), so they differ by rounding in ln R:
// k ulps of ln R make a relative error of k eps |ln R| in R = exp(ln R). For ordinary errors
// (|ln R| < 10) that is far below 1e-12, but at b = -1.6e11 (y = 8.4e-170, |ln y| = 389, a
// finding kept in corpus/fuzz_kernel/regression-huge-b) 15 ulps alone are 1.25e-12. So the
// tolerance adds kLnUlps ulps of ln y (y >= R, and where d dominates y the error is smaller still).
// With `irreducible: inside`, y = R(n) (1 + d / R(n_d)): where d / R(n_d) is large, y rests on the
// difference ln R(n) - ln R(n_d), and the ulps of *those* (not of ln y) set the rounding. At b = -1.4e11
// and n = 1e17 (corpus/fuzz_kernel/regression-inside-huge-b) |ln R| is ~1e13, y = 10.66, and the two
// summation orders differ by 3e-5 relative: both are right to their precision. So the tolerance adds
// kLnUlps ulps of a bound on |ln R(n)| + |ln R(n_d)| (inside_log_scale).
constexpr double kKernelRelTol = 1e-12;
constexpr double kLnUlps = 64;
double tolerance(double y, double log_scale) {
  return kKernelRelTol + kLnUlps * std::numeric_limits<double>::epsilon() * (std::fabs(std::log(y)) + log_scale);
}

// A bound on |ln R(x)| from spec §5's separable form: ln R = sum_i w_i b_i G_i(x) with
// |G_i(x)| <= |ln(a min(P_i, x) / N0)| + ln(1 + x / P_i), P_i = u_i / w_i.
double log_reducible_bound(const qqt::Model& m, const std::vector<double>& kept, const std::vector<double>& weights, double x) {
  double bound = 0.0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (!(weights[i] > 0)) continue;
    const double period = kept[i] / weights[i];
    bound += weights[i] * std::fabs(m.pools[i].b) *
             (std::fabs(std::log(m.params.a * std::min(period, x) / m.params.normalizer)) + std::log1p(x / period));
  }
  return bound;
}

// |ln R(n)| + |ln R(n_d)| (bounds) under `inside`, n_d = min(n, U); 0 under `outside`.
double inside_log_scale(const qqt::Model& m, const std::vector<double>& kept, const std::vector<double>& weights, double n) {
  if (m.params.irreducible != qqt::Irreducible::inside) return 0.0;
  double unique = 0.0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (weights[i] > 0) unique += kept[i];
  }
  return log_reducible_bound(m, kept, weights, n) + log_reducible_bound(m, kept, weights, std::min(n, unique));
}

// Reads doubles from the input; past its end, zeros.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  double next() {
    double v = 0.0;
    if (pos_ + sizeof v <= size_) std::memcpy(&v, data_ + pos_, sizeof v);
    pos_ += sizeof v;
    return std::isfinite(v) ? v : 0.0;
  }
  double unit() { return std::fabs(std::fmod(next(), 1.0)); }
  // A value in [lo, hi] on a log scale (0 < lo < hi).
  double log_range(double lo, double hi) { return std::exp(std::log(lo) + unit() * (std::log(hi) - std::log(lo))); }
  // Mostly a log-range value, sometimes a raw finite positive double (the whole accepted range).
  double positive(double lo, double hi, uint8_t selector) {
    if (selector % 4 == 0) {
      const double raw = std::fabs(next());
      return raw > 0 ? raw : lo;
    }
    return log_range(lo, hi);
  }
  uint8_t byte() {
    const uint8_t b = pos_ < size_ ? data_[pos_] : 0;
    ++pos_;
    return b;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

[[noreturn]] void finding(const char* what, double want, double got) {
  std::fprintf(stderr, "fuzz_kernel: %s: Mixture %.17g, kernel %.17g\n", what, want, got);
  std::abort();
}

// Mixture's answer, or NaN when it refuses for overflow; nullopt-like flag when the strategy is rejected.
struct Exact {
  bool rejected = false;
  double y = std::nan("");
};

Exact exact(const qqt::Model& m, const qqt::Strategy& s, double n) {
  Exact e;
  try {
    const qqt::Mixture mix(m, s);
    e.y = mix.error(n);
  } catch (const qqt::InputError&) {
    e.rejected = true;
  } catch (const qqt::NumericalError&) {}
  return e;
}

// Both refuse results above kMaxPredictedError; within kKernelRelTol of that edge either may refuse.
bool near_edge(double y) { return y >= qqt::detail::kMaxPredictedError * (1 - kKernelRelTol); }

void compare(const char* what, const Exact& want, double got, double log_scale) {
  if (!std::isfinite(want.y)) {
    if (std::isfinite(got) && !near_edge(got)) finding(what, want.y, got);  // Mixture refuses, the kernel answers
    return;
  }
  if (!std::isfinite(got)) {
    if (!near_edge(want.y)) finding(what, want.y, got);  // the kernel refuses, Mixture answers
    return;
  }
  if (std::fabs(got - want.y) > tolerance(want.y, log_scale) * want.y) finding(what, want.y, got);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  Bytes in(data, size);
  const uint8_t mode = in.byte();
  qqt::Model m;
  m.params.law = qqt::LawKind::utility;
  m.params.irreducible = mode % 2 ? qqt::Irreducible::inside : qqt::Irreducible::outside;
  m.params.a = in.positive(1e-12, 1e12, in.byte());
  m.params.d = (mode / 2) % 2 ? in.unit() : in.positive(1e-300, 1e300, in.byte());
  m.params.normalizer = in.positive(1, 1e9, in.byte());
  m.params.tau_scaling = (mode / 4) % 4 == 0 ? std::fabs(in.next()) : 3 * in.unit();
  const int pools = 1 + in.byte() % 6;
  qqt::Strategy s;
  for (int i = 0; i < pools; ++i) {
    qqt::Pool p;
    p.name = "p" + std::to_string(i);
    p.size_samples = in.positive(1, 1e18, in.byte());
    p.b = -in.positive(1e-6, 5, in.byte());
    p.tau_passes = in.positive(1e-3, 1e6, in.byte());
    m.pools.push_back(p);
    s.fractions.push_back(in.byte() % 4 == 0 ? 1.0 : in.unit());
    s.weights.push_back(in.byte() % 5 == 0 ? 0.0 : in.unit());
  }
  const bool uniform = (mode / 16) % 2;
  if (uniform) s.weights.clear();
  double total = 0.0;
  for (double w : s.weights) total += w;
  if (total > 0) {
    for (double& w : s.weights) w /= total;
  }
  const double n = in.log_range(1, 1e18);
  try {
    qqt::validate(m);
  } catch (const qqt::InputError&) {
    return 0;  // not a config qqt accepts
  }

  // FastUtility on the strategy as Mixture resolves it (kept samples u_i = f_i S_i, weights w_i).
  const Exact want = exact(m, s, n);
  if (!want.rejected) {
    const qqt::Mixture mix(m, s);
    std::vector<double> kept(m.pools.size()), weights = mix.weights();
    for (std::size_t i = 0; i < kept.size(); ++i) kept[i] = mix.fractions()[i] * m.pools[i].size_samples;
    const qqt::detail::FastUtility fast(m);
    compare("FastUtility", want, fast.error(kept, weights, n), inside_log_scale(m, kept, weights, n));
  }

  // SubsetSearch::error on the subset of pools with a positive fraction (kept whole, uniform).
  qqt::PoolMask mask = 0;
  for (std::size_t i = 0; i < m.pools.size(); ++i) {
    if (s.fractions[i] > 0) mask |= qqt::PoolMask{1} << i;
  }
  if (mask != 0) {
    const qqt::SubsetSearch search(m, qqt::Constraints{});
    const qqt::Strategy subset = qqt::subset_strategy(m, mask).strategy;
    const Exact subset_want = exact(m, subset, n);
    if (!subset_want.rejected) {
      const qqt::Mixture mix(m, subset);
      std::vector<double> kept(m.pools.size());
      for (std::size_t i = 0; i < kept.size(); ++i) kept[i] = mix.fractions()[i] * m.pools[i].size_samples;
      compare("SubsetSearch::error", subset_want, search.error(mask, n), inside_log_scale(m, kept, mix.weights(), n));
    }
  }
  return 0;
}
