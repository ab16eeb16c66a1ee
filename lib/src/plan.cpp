#include "qqt/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "qqt/error.hpp"
#include "qqt/quantity.hpp"

namespace qqt {

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

void validate(const PlanOptions& options) {
  if (options.budgets_samples.empty()) throw InputError("no budget given: use --budget LIST or --budgets FROM:TO:N");
  for (double b : options.budgets_samples) {
    if (!std::isfinite(b) || !(b > 0) || b > kMaxCount) {
      throw InputError(fmt::format("budget {} must be a finite number in (0, {:g}]", b, kMaxCount));
    }
  }
  if (options.crossover_grid_per_decade < 4 || options.crossover_grid_per_decade > 10000) {
    throw InputError(fmt::format("crossover_grid_per_decade must be in [4, 10000], got {}", options.crossover_grid_per_decade));
  }
  if (!(options.crossover_rel_tol >= 1e-15 && options.crossover_rel_tol <= 1e-3)) {
    throw InputError(fmt::format("crossover_rel_tol must be in [1e-15, 1e-3], got {}", options.crossover_rel_tol));
  }
}

void mark_pareto(std::vector<Candidate>& candidates) {
  // Sort by (unique, error); a candidate is dominated iff an earlier one in that order has an error
  // <= its own with a strictly smaller unique count, or an equal unique count and smaller error.
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (candidates[a].unique_samples() != candidates[b].unique_samples()) return candidates[a].unique_samples() < candidates[b].unique_samples();
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
  return info;
}

Candidate evaluate(std::shared_ptr<const StrategyInfo> info, const Mixture& mixture, double n) {
  Candidate c;
  c.info = std::move(info);
  c.error = mixture.error(n);
  c.accuracy = 1.0 - c.error;
  c.passes = mixture.passes(n);
  return c;
}

namespace {

// Index of the lowest error; ties go to the earlier strategy.
std::size_t argmin_error(const std::vector<Mixture>& mixtures, double n) {
  std::size_t best = 0;
  double best_error = mixtures[0].error(n);
  for (std::size_t i = 1; i < mixtures.size(); ++i) {
    const double e = mixtures[i].error(n);
    if (e < best_error) {
      best_error = e;
      best = i;
    }
  }
  return best;
}

// Crossovers in [lo, hi]: scan a log grid for changes of the best strategy, then bisect each
// change (on the best strategy, which is bisection on the difference of the two curves).
std::vector<Crossover> find_crossovers(const std::vector<Mixture>& mixtures, const std::vector<NamedStrategy>& strategies,
                                       double lo, double hi, const PlanOptions& options) {
  std::vector<Crossover> out;
  if (mixtures.size() < 2 || !(hi > lo)) return out;
  const double decades = std::log10(hi / lo);
  const int steps = std::max(1, static_cast<int>(std::ceil(decades * options.crossover_grid_per_decade)));
  const double log_lo = std::log(lo);
  const double step = (std::log(hi) - log_lo) / steps;
  double left = lo;
  std::size_t left_best = argmin_error(mixtures, lo);
  for (int s = 1; s <= steps; ++s) {
    const double right = s == steps ? hi : std::exp(log_lo + step * s);
    const std::size_t right_best = argmin_error(mixtures, right);
    // Peel off every change inside (left, right]: each bisection finds the first one.
    double a = left;
    std::size_t a_best = left_best;
    while (a_best != right_best) {
      double b = right;
      std::size_t b_best = right_best;
      while (b / a - 1.0 > options.crossover_rel_tol) {
        const double mid = std::sqrt(a) * std::sqrt(b);
        if (!(mid > a && mid < b)) break;
        const std::size_t mid_best = argmin_error(mixtures, mid);
        if (mid_best == a_best) {
          a = mid;
        } else {
          b = mid;
          b_best = mid_best;
        }
      }
      out.push_back({std::sqrt(a) * std::sqrt(b), strategies[a_best].id, strategies[b_best].id});
      a = b;
      a_best = b_best;
    }
    left = right;
    left_best = right_best;
  }
  return out;
}

}  // namespace

PlanResult plan(const Model& model, const std::vector<NamedStrategy>& strategies, const PlanOptions& options) {
  validate(options);
  if (strategies.empty()) throw InternalError("plan: no strategies to compare");
  std::vector<Mixture> mixtures;
  mixtures.reserve(strategies.size());
  for (const auto& s : strategies) mixtures.emplace_back(model, s.strategy);

  // What does not depend on the budget.
  std::vector<Candidate> templates(strategies.size());
  for (std::size_t i = 0; i < strategies.size(); ++i) templates[i].info = strategy_info(model, strategies[i], mixtures[i]);

  PlanResult result;
  result.budgets.reserve(options.budgets_samples.size());
  for (double n : options.budgets_samples) {
    BudgetPlan bp;
    bp.budget_samples = n;
    bp.candidates = templates;
    for (std::size_t i = 0; i < mixtures.size(); ++i) {
      Candidate& c = bp.candidates[i];
      c.error = mixtures[i].error(n);
      c.accuracy = 1.0 - c.error;
      c.passes = mixtures[i].passes(n);
    }
    for (std::size_t i = 1; i < bp.candidates.size(); ++i) {
      if (bp.candidates[i].error < bp.candidates[bp.best].error) bp.best = i;
    }
    for (std::size_t i = 0; i < bp.candidates.size(); ++i) {
      if (i == bp.best) continue;
      if (!bp.runner_up || bp.candidates[i].error < bp.candidates[*bp.runner_up].error) bp.runner_up = i;
    }
    if (bp.runner_up) bp.margin = bp.candidates[*bp.runner_up].error - bp.candidates[bp.best].error;
    mark_pareto(bp.candidates);
    result.budgets.push_back(std::move(bp));
  }
  // Budgets where even the best level predicts an error of 1 or more: (a n / N0)^b is still near
  // or above 1 (a n < N0 or not far past it), where the law says nothing useful. One warning.
  // Error rates only (metric.hpp warns_at_or_above_one): a loss of 2.6 is an ordinary value.
  std::vector<double> hopeless;
  double best_there = INFINITY;
  for (const auto& b : result.budgets) {
    if (info(model.metric.kind).warns_at_or_above_one && b.best_candidate().error >= 1.0) {
      hopeless.push_back(b.budget_samples);
      best_there = std::min(best_there, b.best_candidate().error);
    }
  }
  if (!hopeless.empty()) {
    const auto [few, many] = std::minmax_element(hopeless.begin(), hopeless.end());
    result.warnings.push_back(fmt::format(
        "{}: every strategy predicts an error of 1 or more ({:.4g} at best); the law is not meaningful there "
        "(N0/a = {} samples)",
        hopeless.size() == 1 ? fmt::format("budget {}", format_count(*few))
                             : fmt::format("{} budgets from {} to {}", hopeless.size(), format_count(*few), format_count(*many)),
        best_there, format_count(model.params.normalizer / model.params.a)));
  }
  const auto [lo, hi] = std::minmax_element(options.budgets_samples.begin(), options.budgets_samples.end());
  result.crossovers = find_crossovers(mixtures, strategies, *lo, *hi, options);
  return result;
}

}  // namespace qqt
