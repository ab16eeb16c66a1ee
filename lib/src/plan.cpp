#include "qqt/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "qqt/error.hpp"
#include "qqt/limits.hpp"
#include "qqt/metric.hpp"
#include "qqt/quantity.hpp"

namespace qqt {

namespace {

void check_plan_size(std::size_t pools, std::size_t strategies, std::size_t budgets) {
  // Every strategy lists every pool's fraction and weight at every budget in the output
  // (docs/reliability.md "Limits"); top-k has one strategy per pool, so this is budgets x pools^2.
  const double cells = static_cast<double>(budgets) * static_cast<double>(strategies) * static_cast<double>(pools);
  if (cells > limits::kMaxPlanCells) {
    throw InputError(
        fmt::format("{} budgets x {} strategies x {} pools = {:g} plan cells, past qqt's limit of {:g} "
                    "(docs/reliability.md \"Limits\"); give fewer budgets or pools",
                    budgets, strategies, pools, cells, limits::kMaxPlanCells));
  }
}

}  // namespace

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
  if (!(options.fitted_max_passes > 0)) {
    throw InputError(fmt::format("fitted_max_passes must be in (0, inf], got {}", options.fitted_max_passes));
  }
}

namespace {

// Index of the lowest error at n; ties go to the earlier strategy.
std::size_t argmin_error(const std::vector<Mixture>& mixtures, double n) {
  std::vector<double> errors(mixtures.size());
  for (std::size_t i = 0; i < mixtures.size(); ++i) errors[i] = mixtures[i].error(n);
  return rank(errors).best.value_or(0);
}

// Crossovers in [lo, hi]: scan a log grid for changes of the best strategy, then bisect each
// change (on the best strategy, which is bisection on the difference of the two curves).
std::vector<Crossover> find_crossovers(const std::vector<Mixture>& mixtures, const std::vector<NamedStrategy>& strategies, double lo,
                                       double hi, const PlanOptions& options) {
  std::vector<Crossover> out;
  if (mixtures.size() < 2 || !(hi > lo)) return out;
  const std::vector<double> grid = log_grid(lo, hi, options.crossover_grid_per_decade);
  double left = lo;
  std::size_t left_best = argmin_error(mixtures, lo);
  for (std::size_t s = 1; s < grid.size(); ++s) {
    const double right = grid[s];
    const std::size_t right_best = argmin_error(mixtures, right);
    // Peel off every change inside (left, right]: each bisection finds the first one.
    double a = left;
    std::size_t a_best = left_best;
    while (a_best != right_best) {
      const Bracket br = bisect_log(a, right, options.crossover_rel_tol, [&](double n) { return argmin_error(mixtures, n) == a_best; });
      const std::size_t b_best = br.hi == right ? right_best : argmin_error(mixtures, br.hi);
      out.push_back({br.at(), strategies[a_best].id, strategies[b_best].id});
      a = br.hi;
      a_best = b_best;
    }
    left = right;
    left_best = right_best;
  }
  return out;
}

}  // namespace

std::vector<Prediction> predict(const Model& model, const Strategy& strategy, const std::vector<double>& budgets_samples) {
  PlanOptions check;
  check.budgets_samples = budgets_samples;
  validate(check);
  const Mixture mix(model, strategy);
  std::vector<Prediction> out;
  out.reserve(budgets_samples.size());
  for (double n : budgets_samples) {
    const double y = mix.error(n);
    out.push_back({n, y, 1.0 - y, mix.passes(n), mix.unique_samples()});
  }
  return out;
}

std::string below_range_warning(const Model& model, const std::vector<double>& budgets_samples, const std::vector<double>& errors,
                                std::string_view subject) {
  // Budgets where even the best error is 1 or more: (a n / N0)^b is still near or above 1 (a n < N0
  // or not far past it), where the law says nothing useful. One warning for all of them.
  // Error rates only (metric.hpp warns_at_or_above_one): a loss of 2.6 is an ordinary value.
  if (!info(model.metric.kind).warns_at_or_above_one) return {};
  std::vector<double> hopeless;
  double best_there = INFINITY;
  for (std::size_t i = 0; i < budgets_samples.size() && i < errors.size(); ++i) {
    if (errors[i] >= 1.0) {
      hopeless.push_back(budgets_samples[i]);
      best_there = std::min(best_there, errors[i]);
    }
  }
  if (hopeless.empty()) return {};
  const auto [few, many] = std::minmax_element(hopeless.begin(), hopeless.end());
  return fmt::format("{}: {} predicts an error of 1 or more ({:.4g} at best); the law is not meaningful there (N0/a = {} samples)",
                     hopeless.size() == 1
                         ? fmt::format("budget {}", format_count(*few))
                         : fmt::format("{} budgets from {} to {}", hopeless.size(), format_count(*few), format_count(*many)),
                     subject, best_there, format_count(model.params.normalizer / model.params.a));
}

std::string prediction_warning(const Model& model, const std::vector<Prediction>& predictions) {
  std::vector<double> budgets, errors;
  for (const auto& p : predictions) {
    budgets.push_back(p.budget_samples);
    errors.push_back(p.error);
  }
  return below_range_warning(model, budgets, errors, "the strategy");
}

void mark_extrapolation(PlanResult& result, const Model& model, const PlanOptions& options) {
  // The law is fitted where (a n / N0)^b is below 1; below N0 / a it says nothing useful (spec §2).
  const double law_from = model.params.normalizer / model.params.a;
  auto mark = [&](Candidate& c, double n) {
    c.extrapolation = 0;
    if (!c.info->uniform_weights) c.extrapolation |= kExtrapolatesWeights;
    if (c.max_pool_passes > options.fitted_max_passes) c.extrapolation |= kExtrapolatesPasses;
    if (n < law_from) c.extrapolation |= kExtrapolatesBudget;
  };
  for (BudgetPlan& b : result.budgets) {
    for (Candidate& c : b.candidates) mark(c, b.budget_samples);
    for (FamilyBest& f : b.families) {
      if (f.best) mark(*f.best, b.budget_samples);
    }
  }
}

void rank_levels(BudgetPlan& b) {
  std::vector<double> errors(b.candidates.size());
  for (std::size_t i = 0; i < errors.size(); ++i) errors[i] = b.candidates[i].feasible ? b.candidates[i].error : INFINITY;
  const Ranking r = rank(errors);
  b.best = r.best.value_or(0);
  b.runner_up = r.runner_up;
  b.margin = r.margin;
  mark_pareto(b.candidates);
}

PlanResult plan(const Model& model, const std::vector<NamedStrategy>& strategies, const PlanOptions& options) {
  validate(options);
  if (strategies.empty()) throw InternalError("plan: no strategies to compare");
  check_plan_size(model.pools.size(), strategies.size(), options.budgets_samples.size());
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
    bp.candidates.resize(mixtures.size());
    for (std::size_t i = 0; i < mixtures.size(); ++i) bp.candidates[i] = evaluate(templates[i].info, mixtures[i], n);
    rank_levels(bp);
    result.budgets.push_back(std::move(bp));
  }
  std::vector<double> budgets, best_errors;
  for (const auto& b : result.budgets) {
    budgets.push_back(b.budget_samples);
    best_errors.push_back(b.best_candidate().error);
  }
  if (auto w = below_range_warning(model, budgets, best_errors, "every strategy"); !w.empty()) result.warnings.push_back(std::move(w));
  const auto [lo, hi] = std::minmax_element(options.budgets_samples.begin(), options.budgets_samples.end());
  result.crossovers = find_crossovers(mixtures, strategies, *lo, *hi, options);
  mark_extrapolation(result, model, options);
  return result;
}

}  // namespace qqt
