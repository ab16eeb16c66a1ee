#include "fast_law.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "law_kernel.hpp"
#include "qqt/error.hpp"

namespace qqt::detail {
static_assert(kDirectPasses + 2 <= kLogRatios, "the walk reads ln(1 + 1/k) up to kDirectPasses + 1 from the shared table");

PrefixWalker::PrefixWalker(double lambda) : lambda_(lambda), step_(std::exp(-lambda)) {
  if (!(lambda > 0.0) || !std::isfinite(lambda)) {
    throw InternalError(fmt::format("PrefixWalker: lambda must be finite and > 0, got {}", lambda));
  }
  step_powers_[0] = 1.0;
  anchor_ = step_;
}

// Powers and the block step are made on first use (most evaluations walk a few passes only); the
// same products in the same order, so every C(m) is as if they were made up front.
void PrefixWalker::ensure_powers(int count) {
  for (; powers_known_ < count; ++powers_known_) step_powers_[powers_known_] = step_powers_[powers_known_ - 1] * step_;
}

double PrefixWalker::block_step() {
  if (!block_step_known_) {
    block_step_ = std::exp(-lambda_ * kBlock);
    block_step_known_ = true;
  }
  return block_step_;
}

double PrefixWalker::advance_to(double m) {
  if (m < last_m_) throw InternalError(fmt::format("PrefixWalker: m went down from {} to {}", last_m_, m));
  last_m_ = m;
  if (m < 1.0) return 0.0;
  const double* ratios = log_ratios();
  const int target = m < kDirectPasses ? static_cast<int>(m) : kDirectPasses;
  // Whole blocks up to target, each summed with four accumulators.
  double sum = sum_;
  double anchor = anchor_;
  int blocks = blocks_;
  const double inv_one_minus_delta = 1.0 / -std::expm1(-lambda_);
  if (!converged_ && (blocks + 1) * kBlock <= target) ensure_powers(kBlock);
  while (!converged_ && (blocks + 1) * kBlock <= target) {
    const double* r = ratios + blocks * kBlock + 1;
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    for (int j = 0; j < kBlock; j += 4) {
      acc[0] += step_powers_[j] * r[j];
      acc[1] += step_powers_[j + 1] * r[j + 1];
      acc[2] += step_powers_[j + 2] * r[j + 2];
      acc[3] += step_powers_[j + 3] * r[j + 3];
    }
    sum += anchor * ((acc[0] + acc[1]) + (acc[2] + acc[3]));
    ++blocks;
    // Powers across blocks: re-anchored with exp every 8 blocks, multiplied in between.
    anchor = blocks % 8 == 0 ? std::exp(-lambda_ * (blocks * kBlock + 1)) : anchor * block_step();
    // sum_{j>k} delta^j ln(1+1/j) <= delta^(k+1) ln(1+1/(k+1)) / (1 - delta)
    if (anchor * ratios[blocks * kBlock + 1] * inv_one_minus_delta <= kTailTolerance * sum) converged_ = true;
  }
  sum_ = sum;
  anchor_ = anchor;
  blocks_ = blocks;
  if (converged_) return sum_;
  if (m <= kDirectPasses) {
    // The partial block: terms 32 blocks + 1 .. target, in order.
    double partial = 0.0;
    const int first = blocks * kBlock + 1;
    ensure_powers(target - first + 1);
    for (int k = first; k <= target; ++k) partial += step_powers_[k - first] * ratios[k];
    return sum + anchor * partial;
  }
  // Past the direct part: C(m) = C(N) + sum_{k=N+1..m} f(k) by the Euler-Maclaurin tail (law_kernel.hpp).
  if (!tail_known_) {
    tail_ = RepetitionTail(lambda_, kDirectPasses, sum_);
    tail_known_ = true;
  }
  return tail_.at(m);
}

double pass_sum(double lambda, double passes) {
  PrefixWalker walker(lambda);
  return pass_term(lambda, passes, [&](double k) { return walker.advance_to(k); });
}

void pass_sums(double lambda, std::span<const double> passes, std::span<double> out) {
  if (out.size() != passes.size()) throw InternalError("pass_sums: output size differs from input size");
  PrefixWalker walker(lambda);
  double previous = 0.0;
  for (std::size_t j = 0; j < passes.size(); ++j) {
    const double x = passes[j];
    if (x < previous) throw InternalError("pass_sums: passes must be ascending");
    previous = x;
    out[j] = pass_term(lambda, x, [&](double k) { return walker.advance_to(k); });
  }
}

double decay_rate(const Pool& pool, double mix_samples, double tau_scaling) {
  return decay_rate(pool.tau_passes, mix_samples, pool.size_samples, tau_scaling);
}

FastUtility::FastUtility(const Model& model) : model_(&model) {
  if (model.params.law != LawKind::utility) throw InternalError("FastUtility needs the utility law");
}

double FastUtility::error(std::span<const double> kept, std::span<const double> weights, double n) const {
  const Model& model = *model_;
  const LawParams& p = model.params;
  const std::size_t m = model.pools.size();
  const double unique_total = used_unique(kept, weights);
  const bool uniform = uniform_over_kept(kept, weights, unique_total);
  double first_break = n;
  for (std::size_t i = 0; i < m; ++i) {
    if (weights[i] > 0) first_break = std::min(first_break, pass_period(kept[i], weights[i], uniform, unique_total));
  }
  const double effective = effective_mix_size(kept, weights);  // U~ (spec §2)
  // `inside` also needs ln R at n_d = min(n, U); one walk per pool serves both (n_d <= n).
  const bool inside = p.irreducible == Irreducible::inside;
  const double nd = irreducible_anchor(n, unique_total);
  UtilityLogSum at_n(p, first_break, n);
  UtilityLogSum at_nd(p, first_break, nd);
  for (std::size_t i = 0; i < m; ++i) {
    const double w = weights[i];
    if (!(w > 0)) continue;
    const double period = pass_period(kept[i], w, uniform, unique_total);
    const double lambda = decay_rate(model.pools[i].tau_passes, effective, model.pools[i].size_samples, p.tau_scaling);
    PrefixWalker walker(lambda);
    const auto prefix = [&](double k) { return walker.advance_to(k); };
    if (inside) at_nd.add(w, model.pools[i].b, period, pass_term(lambda, nd / period, prefix));
    at_n.add(w, model.pools[i].b, period, pass_term(lambda, n / period, prefix));
  }
  const double y = close_utility(p, at_n.beta0(), at_n.l1(), at_n.rest(), inside ? at_nd.rest() : 0.0);
  return y;  // +inf beyond kMaxPredictedError (close_utility), like Mixture's NumericalError
}

}  // namespace qqt::detail
