#include "qqt/strategy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "qqt/error.hpp"

namespace qqt {

namespace {
// Weights within this relative distance of u_i / U count as uniform (they are computed as u_i / U).
constexpr double kUniformWeightRelTol = 1e-9;
}  // namespace

const char* to_string(Family family) {
  switch (family) {
    case Family::topk: return "topk";
    case Family::subsets: return "subsets";
    case Family::threshold: return "threshold";
    case Family::mixture: return "mixture";
  }
  throw InternalError("unknown Family");
}

std::vector<NamedStrategy> topk_strategies(const Model& model) {
  const std::size_t m = model.pools.size();
  std::vector<NamedStrategy> out;
  out.reserve(m);
  bool shares = true;
  double cumulative_share = 0.0;
  std::string names;
  for (std::size_t k = 1; k <= m; ++k) {
    const Pool& pool = model.pools[k - 1];
    shares = shares && pool.share.has_value();
    if (pool.share) cumulative_share += *pool.share;
    names += (k > 1 ? " + " : "") + pool.name;
    NamedStrategy s;
    s.id = fmt::format("top-{}", k);
    s.label = shares ? fmt::format("top {:.4g}%", 100.0 * cumulative_share) : names;
    s.strategy.fractions.assign(m, 0.0);
    std::fill(s.strategy.fractions.begin(), s.strategy.fractions.begin() + static_cast<long>(k), 1.0);
    out.push_back(std::move(s));
  }
  return out;
}

void mark_pareto(std::vector<Candidate>& candidates) {
  // Sort by (unique, error); a candidate is dominated iff an earlier one in that order has an error
  // <= its own with a strictly smaller unique count, or an equal unique count and smaller error.
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (candidates[a].unique_samples() != candidates[b].unique_samples())
      return candidates[a].unique_samples() < candidates[b].unique_samples();
    return candidates[a].error < candidates[b].error;
  });
  double best_error = std::numeric_limits<double>::infinity();
  double best_unique = -1.0;
  for (std::size_t idx : order) {
    Candidate& c = candidates[idx];
    if (!c.feasible) {
      c.pareto = false;
      continue;
    }
    const bool dominated = best_error < c.error || (best_error == c.error && best_unique < c.unique_samples());
    c.pareto = !dominated;
    if (c.error < best_error) {
      best_error = c.error;
      best_unique = c.unique_samples();
    }
  }
}

std::shared_ptr<const StrategyInfo> strategy_info(const Model& model, const NamedStrategy& strategy, const Mixture& mixture) {
  auto info = std::make_shared<StrategyInfo>();
  info->id = strategy.id;
  info->label = strategy.label;
  info->fractions = mixture.fractions();
  info->weights = mixture.weights();
  for (std::size_t p = 0; p < model.pools.size(); ++p) {
    if (info->weights[p] > 0) info->pools.push_back(model.pools[p].name);
  }
  info->unique_samples = mixture.unique_samples();
  info->kept_samples.assign(model.pools.size(), 0.0);
  for (std::size_t p = 0; p < model.pools.size(); ++p) {
    info->kept_samples[p] = info->fractions[p] * model.pools[p].size_samples;
    if (info->weights[p] > 0) {
      const double uniform = info->kept_samples[p] / info->unique_samples;
      if (std::abs(info->weights[p] - uniform) > kUniformWeightRelTol * uniform) info->uniform_weights = false;
    }
  }
  return info;
}

Candidate evaluate(std::shared_ptr<const StrategyInfo> info, const Mixture& mixture, double n) {
  Candidate c;
  c.info = std::move(info);
  c.error = mixture.error(n);
  c.accuracy = 1.0 - c.error;
  c.passes = mixture.passes(n);
  const StrategyInfo& s = *c.info;
  c.pool_passes.assign(s.weights.size(), 0.0);
  for (std::size_t p = 0; p < s.weights.size(); ++p) {
    if (s.weights[p] > 0) c.pool_passes[p] = n * s.weights[p] / s.kept_samples[p];
  }
  c.max_pool_passes = c.pool_passes.empty() ? 0.0 : *std::max_element(c.pool_passes.begin(), c.pool_passes.end());
  return c;
}

Candidate evaluate(const Model& model, const NamedStrategy& strategy, double n) {
  const Mixture mixture(model, strategy.strategy);
  return evaluate(strategy_info(model, strategy, mixture), mixture, n);
}

std::vector<std::string> extrapolation_codes(unsigned flags) {
  std::vector<std::string> out;
  if (flags & kExtrapolatesWeights) out.emplace_back("weights");
  if (flags & kExtrapolatesPasses) out.emplace_back("passes");
  if (flags & kExtrapolatesBudget) out.emplace_back("budget");
  return out;
}

Ranking rank(std::span<const double> errors, double tie_rel_tol) {
  if (!(tie_rel_tol >= 0 && tie_rel_tol <= 1e-3)) throw InternalError(fmt::format("rank: tie_rel_tol {} not in [0, 1e-3]", tie_rel_tol));
  Ranking r;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (!std::isfinite(errors[i])) continue;
    if (!r.best || errors[i] < errors[*r.best] * (1 - tie_rel_tol)) r.best = i;
  }
  if (!r.best) return r;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i == *r.best || !std::isfinite(errors[i])) continue;
    if (!r.runner_up || errors[i] < errors[*r.runner_up]) r.runner_up = i;
  }
  if (r.runner_up) r.margin = errors[*r.runner_up] - errors[*r.best];
  return r;
}

std::vector<double> log_grid(double lo, double hi, int per_decade) {
  if (!(lo > 0 && lo <= hi) || per_decade < 1)
    throw InternalError(fmt::format("log_grid: bad span [{}, {}] or {} per decade", lo, hi, per_decade));
  const int steps = std::max(1, static_cast<int>(std::ceil(std::log10(hi / lo) * per_decade)));
  const double log_lo = std::log(lo);
  const double step = (std::log(hi) - log_lo) / steps;
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(steps) + 1);
  for (int s = 0; s <= steps; ++s) out.push_back(s == 0 ? lo : s == steps ? hi : std::exp(log_lo + step * s));
  return out;
}

double Bracket::at() const { return std::sqrt(lo) * std::sqrt(hi); }

Bracket bisect_log(double a, double b, double rel_tol, const std::function<bool(double)>& left) {
  Bracket br{a, b};
  while (br.hi / br.lo - 1.0 > rel_tol) {
    const double mid = br.at();  // sqrt(lo) sqrt(hi): no overflow near 1e18
    if (!(mid > br.lo && mid < br.hi)) break;
    (left(mid) ? br.lo : br.hi) = mid;
  }
  return br;
}

}  // namespace qqt
