#include "fast_law.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "qqt/error.hpp"
#include "repetition_sum.hpp"

namespace qqt::detail {
namespace {

// The rest of the series is dropped once it is below this fraction of the sum (as RepetitionSum).
constexpr double kTailTolerance = 1e-17;

// ln(1 + 1/k) for k = 0..kDirectPasses + 1 (entry 0 unused).
const std::array<double, kDirectPasses + 2>& log_ratios() {
  static const std::array<double, kDirectPasses + 2> table = [] {
    std::array<double, kDirectPasses + 2> t{};
    for (int k = 1; k <= kDirectPasses + 1; ++k) t[k] = std::log1p(1.0 / k);
    return t;
  }();
  return table;
}

}  // namespace

PrefixWalker::PrefixWalker(double lambda) : lambda_(lambda), step_(std::exp(-lambda)) {
  if (!(lambda > 0.0) || !std::isfinite(lambda)) {
    throw InternalError(fmt::format("PrefixWalker: lambda must be finite and > 0, got {}", lambda));
  }
}

double PrefixWalker::advance_to(double m) {
  if (m < last_m_) throw InternalError(fmt::format("PrefixWalker: m went down from {} to {}", last_m_, m));
  last_m_ = m;
  if (m < 1.0) return 0.0;
  const auto& ratios = log_ratios();
  const int target = m < kDirectPasses ? static_cast<int>(m) : kDirectPasses;
  while (!converged_ && k_ < target) {
    ++k_;
    // Powers by multiplication, re-anchored with exp every 32 passes (error stays below ~32 ulp).
    power_ = (k_ & 31) == 1 ? std::exp(-lambda_ * k_) : power_ * step_;
    sum_ += power_ * ratios[k_];
    if ((k_ & 31) == 0) {
      // sum_{j>k} delta^j ln(1+1/j) <= delta^(k+1) ln(1+1/(k+1)) / (1 - delta)
      const double tail_bound = power_ * step_ * ratios[k_ + 1] / -std::expm1(-lambda_);
      if (tail_bound <= kTailTolerance * sum_) converged_ = true;
    }
  }
  if (converged_ || m <= kDirectPasses) return sum_;
  // Past the direct part: C(m) = C(N) + sum_{k=N+1..m} f(k) by Euler-Maclaurin (repetition_sum.hpp).
  constexpr double a = kDirectPasses + 1.0;
  if (!tail_known_) {
    tail_base_ = sum_ + repetition_term(lambda_, a) - em_upper_end(lambda_, a);  // C(infinity)
    tail_known_ = true;
  }
  const double next = m + 1.0;
  if (std::exp(-lambda_ * next) * std::log1p(1.0 / next) / -std::expm1(-lambda_) <= kTailTolerance * tail_base_) {
    return tail_base_;
  }
  return tail_base_ + em_upper_end(lambda_, m);
}

double pass_sum(double lambda, double passes) {
  const double whole = std::floor(passes);
  if (!(whole >= 1.0)) return 0.0;
  PrefixWalker walker(lambda);
  return walker.advance_to(whole - 1.0) + std::exp(-lambda * whole) * std::log1p((passes - whole) / whole);
}

void pass_sums(double lambda, std::span<const double> passes, std::span<double> out) {
  if (out.size() != passes.size()) throw InternalError("pass_sums: output size differs from input size");
  PrefixWalker walker(lambda);
  double previous = 0.0;
  for (std::size_t j = 0; j < passes.size(); ++j) {
    const double x = passes[j];
    if (x < previous) throw InternalError("pass_sums: passes must be ascending");
    previous = x;
    const double whole = std::floor(x);
    out[j] = whole >= 1.0 ? walker.advance_to(whole - 1.0) + std::exp(-lambda * whole) * std::log1p((x - whole) / whole) : 0.0;
  }
}

double decay_rate(const Pool& pool, double unique_total, double tau_scaling) {
  return std::numbers::ln2 / (pool.tau_passes * std::pow(unique_total / pool.size_samples, tau_scaling));
}

FastUtility::FastUtility(const Model& model) : model_(&model) {
  if (model.params.law != LawKind::utility) throw InternalError("FastUtility needs the utility law");
}

double FastUtility::error(std::span<const double> kept, std::span<const double> weights, double n) const {
  const Model& model = *model_;
  const LawParams& p = model.params;
  const std::size_t m = model.pools.size();
  double unique_total = 0.0;
  double first_break = n;
  for (std::size_t i = 0; i < m; ++i) {
    if (weights[i] > 0) {
      unique_total += kept[i];
      first_break = std::min(first_break, kept[i] / weights[i]);
    }
  }
  const double l1 = std::log(p.a * first_break / p.normalizer);
  double beta0 = 0.0;
  double rest = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    const double w = weights[i];
    if (!(w > 0)) continue;
    const double period = kept[i] / w;
    const double lambda = decay_rate(model.pools[i], unique_total, p.tau_scaling);
    const double h = std::log(std::min(period, n) / first_break) + pass_sum(lambda, n / period);
    beta0 += w * model.pools[i].b;
    rest += w * model.pools[i].b * h;
  }
  const double y = p.irreducible == Irreducible::inside ? (std::exp(beta0 * l1) + p.d) * std::exp(rest)
                                                         : std::exp(beta0 * l1 + rest) + p.d;
  return std::isfinite(y) ? y : std::numeric_limits<double>::infinity();
}

}  // namespace qqt::detail
