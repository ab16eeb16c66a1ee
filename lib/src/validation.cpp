// Held-out checks of a fitted law (docs/validation.md): errors, decisions, and leave-one-out refits.
#include "qqt/validation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "qqt/error.hpp"
#include "qqt/quantity.hpp"

namespace qqt {

void validate(const ValidationOptions& options) {
  if (options.max_mae && !(std::isfinite(*options.max_mae) && *options.max_mae >= 0)) {
    throw InputError(fmt::format("--max-mae must be a finite number >= 0, got {}", *options.max_mae));
  }
  if (!(options.budget_rel_tol >= 0 && options.budget_rel_tol <= 1)) {
    throw InputError(fmt::format("budget_rel_tol must be in [0, 1], got {}", options.budget_rel_tol));
  }
  if (options.min_decision_accuracy && !(*options.min_decision_accuracy >= 0 && *options.min_decision_accuracy <= 1)) {
    throw InputError(fmt::format("--min-decision-accuracy must be in [0, 1] (a share of pairs), got {}", *options.min_decision_accuracy));
  }
}

namespace {

// Average ranks (1-based) of `x`: ties share the mean of their positions.
std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double mean_rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = mean_rank;
    i = j + 1;
  }
  return r;
}

// Pearson correlation; nullopt when either side is constant.
std::optional<double> pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (!(sxx > 0) || !(syy > 0)) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

BudgetDecisions score_decisions(double budget_samples, const std::vector<DecisionInput>& s) {
  if (s.size() < 2) throw InternalError(fmt::format("score_decisions: {} strategies, need 2", s.size()));
  BudgetDecisions d;
  d.budget_samples = budget_samples;
  d.strategies = s.size();
  std::vector<double> p, o;
  for (const auto& x : s) {
    p.push_back(x.predicted_error);
    o.push_back(x.observed_error);
  }
  // Spearman's rho: the Pearson correlation of the average ranks.
  d.spearman = pearson(ranks(p), ranks(o));
  // Pairwise decision accuracy (DataDecide): of the pairs whose observed errors differ, the share the
  // prediction orders the same way; a predicted tie is a coin flip (1/2).
  for (std::size_t i = 0; i < s.size(); ++i) {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
      if (o[i] == o[j]) continue;
      ++d.pairs;
      const double agree = (p[i] - p[j]) * (o[i] - o[j]);
      d.correct_pairs += agree > 0 ? 1.0 : agree == 0 ? 0.5 : 0.0;
    }
  }
  if (d.pairs > 0) d.decision_accuracy = d.correct_pairs / static_cast<double>(d.pairs);
  // Regret of the law's choice: observed error of its first-ranked strategy minus the best observed.
  const auto chosen = static_cast<std::size_t>(std::min_element(p.begin(), p.end()) - p.begin());
  const auto best = static_cast<std::size_t>(std::min_element(o.begin(), o.end()) - o.begin());
  d.chosen = s[chosen].strategy;
  d.best = s[best].strategy;
  d.regret = o[chosen] - o[best];
  return d;
}

std::vector<double> budget_groups(const std::vector<double>& samples_seen, double rel_tol) {
  std::vector<double> sorted = samples_seen;
  std::sort(sorted.begin(), sorted.end());
  std::map<double, double> leader;
  double current = 0.0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i] > current * (1.0 + rel_tol)) current = sorted[i];
    leader[sorted[i]] = current;
  }
  std::vector<double> out;
  out.reserve(samples_seen.size());
  for (double n : samples_seen) out.push_back(leader.at(n));
  return out;
}

namespace {

// Per budget (ascending), the held-out strategies (pool labels, first-appearance order) with their
// mean observed error and their predicted error; budgets with at least two strategies are scored.
std::vector<BudgetDecisions> decisions_of(const std::vector<ValidationRow>& rows, const MetricColumn& metric, double rel_tol) {
  std::vector<double> seen;
  for (const auto& r : rows) seen.push_back(r.samples_seen);
  const std::vector<double> group = budget_groups(seen, rel_tol);
  struct Acc {
    std::vector<std::string> order;
    std::map<std::string, std::pair<double, std::size_t>> observed;  // sum, count
    std::map<std::string, double> predicted;
  };
  std::map<double, Acc> by_budget;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const ValidationRow& r = rows[k];
    Acc& a = by_budget[group[k]];
    // In error terms: an accuracy file ranks the other way round.
    const double observed = y_of(metric, r.observed);
    const double predicted = y_of(metric, r.predicted);
    auto [it, inserted] = a.observed.emplace(r.pool, std::make_pair(0.0, std::size_t{0}));
    if (inserted) a.order.push_back(r.pool);
    // Rows of one strategy in one budget group: mean observed and mean predicted error.
    a.predicted[r.pool] += predicted;
    it->second.first += observed;
    ++it->second.second;
  }
  std::vector<BudgetDecisions> out;
  for (const auto& [budget, a] : by_budget) {
    if (a.order.size() < 2) continue;
    std::vector<DecisionInput> in;
    for (const auto& name : a.order) {
      const auto& [sum, count] = a.observed.at(name);
      in.push_back({name, a.predicted.at(name) / static_cast<double>(count), sum / static_cast<double>(count)});
    }
    out.push_back(score_decisions(budget, in));
  }
  return out;
}

void pool_decisions(const std::vector<BudgetDecisions>& d, std::optional<double>& accuracy, std::optional<double>& mean_regret,
                    std::size_t& pairs, double& correct) {
  pairs = 0;
  correct = 0.0;
  double regret = 0.0;
  for (const auto& b : d) {
    pairs += b.pairs;
    correct += b.correct_pairs;
    regret += b.regret;
  }
  accuracy = pairs > 0 ? std::optional<double>(correct / static_cast<double>(pairs)) : std::nullopt;
  mean_regret = d.empty() ? std::nullopt : std::optional<double>(regret / static_cast<double>(d.size()));
}

}  // namespace

ValidationReport check_predictions(const Model& model, const Observations& observations, const ValidationOptions& options) {
  validate(options);
  validate(model);
  if (observations.rows.empty()) throw InputError(fmt::format("{}: no rows to validate", observations.source));
  ValidationReport report;
  report.metric = observations.metric;
  report.max_mae = options.max_mae;
  report.min_decision_accuracy = options.min_decision_accuracy;
  double abs_sum = 0.0, sq_sum = 0.0;
  for (const auto& row : observations.rows) {
    ValidationRow v;
    v.pool = row.pool;
    v.samples_seen = row.samples_seen;
    v.line = row.line;
    v.observed = value_of(observations.metric, row.error);
    v.predicted = value_of(observations.metric, predict_error(model, strategy_of(row, model), row.samples_seen));
    const double r = std::abs(v.predicted - v.observed);
    abs_sum += r;
    sq_sum += r * r;
    report.max_abs = std::max(report.max_abs, r);
    report.rows.push_back(std::move(v));
  }
  const auto n = static_cast<double>(report.rows.size());
  report.mae = abs_sum / n;
  report.rmse = std::sqrt(sq_sum / n);
  // Observed errors and accuracies lie in [0, 1], so a gate of 1 or more passes any fit the law's
  // range allows: most likely meant in percentage points.
  // Only for a metric in [0, 1] (an error rate): a loss has no such bound.
  if (options.max_mae && *options.max_mae >= 1.0 && info(model.metric.kind).max_value <= 1.0) {
    report.warnings.push_back(fmt::format("--max-mae {} cannot fail: the {} is a fraction in [0, 1] (for one point give 0.01)",
                                          *options.max_mae, observations.metric.name));
  }
  report.decisions = decisions_of(report.rows, report.metric, options.budget_rel_tol);
  std::size_t pairs = 0;
  double correct = 0.0;
  pool_decisions(report.decisions, report.decision_accuracy, report.mean_regret, pairs, correct);
  if (options.min_decision_accuracy && !report.decision_accuracy) {
    throw InputError(
        fmt::format("--min-decision-accuracy: {} has no budget with two held-out strategies of different observed error to compare",
                    observations.source));
  }
  return report;
}

FoldBy parse_fold_by(std::string_view text, std::string_view what) {
  if (text == "budget") return FoldBy::budget;
  if (text == "group") return FoldBy::group;
  throw InputError(
      fmt::format("{}: '{}' is not a fold; use budget (leave out each samples_seen value) or group (each pool label)", what, text));
}

const char* to_string(FoldBy by) { return by == FoldBy::budget ? "budget" : "group"; }

CrossValidation cross_validate(const Model& start, const Observations& observations, const FitOptions& options, FoldBy by) {
  validate(options);
  CrossValidation out;
  out.by = by;
  // The folds: distinct budgets ascending, or groups in first-appearance order.
  std::vector<std::string> keys;
  std::vector<std::vector<std::size_t>> held;
  if (by == FoldBy::budget) {
    std::vector<double> seen;
    for (const auto& row : observations.rows) seen.push_back(row.samples_seen);
    const std::vector<double> group = budget_groups(seen, ValidationOptions{}.budget_rel_tol);
    std::map<double, std::vector<std::size_t>> rows;
    for (std::size_t r = 0; r < observations.rows.size(); ++r) rows[group[r]].push_back(r);
    for (const auto& [budget, idx] : rows) {
      keys.push_back(format_count(budget));
      held.push_back(idx);
    }
  } else {
    std::map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < observations.rows.size(); ++r) {
      const auto [it, inserted] = index.emplace(observations.rows[r].pool, keys.size());
      if (inserted) {
        keys.push_back(observations.rows[r].pool);
        held.emplace_back();
      }
      held[it->second].push_back(r);
    }
  }
  if (keys.size() < 2) {
    throw InputError(fmt::format("{}: --cross-validate needs at least two {}s to leave out in turn, found {}", observations.source,
                                 to_string(by), keys.size()));
  }
  FitOptions refit = options;
  refit.diagnostics = false;
  double abs_sum = 0.0;
  std::size_t abs_count = 0, pairs = 0;
  double correct = 0.0;
  for (std::size_t f = 0; f < keys.size(); ++f) {
    Fold fold;
    fold.held_out = keys[f];
    Observations train, test;
    train.source = test.source = observations.source;
    train.metric = test.metric = observations.metric;
    std::vector<char> is_held(observations.rows.size(), 0);
    for (std::size_t r : held[f]) is_held[r] = 1;
    for (std::size_t r = 0; r < observations.rows.size(); ++r) (is_held[r] ? test : train).rows.push_back(observations.rows[r]);
    fold.train_rows = train.rows.size();
    fold.held_rows = test.rows.size();
    std::optional<FitResult> fitted;
    try {
      fitted = fit(start, train, refit);
    } catch (const InputError& e) {
      // The remaining rows cannot fit the parameters (this fold's data are the input at fault).
      fold.skipped = e.what();
    }
    if (fitted) {
      const ValidationReport v = check_predictions(fitted->model, test);
      fold.mae = v.mae;
      pool_decisions(v.decisions, fold.decision_accuracy, fold.mean_regret, fold.pairs, fold.correct_pairs);
      for (const auto& row : v.rows) abs_sum += std::abs(row.predicted - row.observed);
      abs_count += v.rows.size();
      pairs += fold.pairs;
      correct += fold.correct_pairs;
      ++out.folds_fitted;
    }
    out.folds.push_back(std::move(fold));
  }
  if (abs_count > 0) out.mae = abs_sum / static_cast<double>(abs_count);
  if (pairs > 0) out.decision_accuracy = correct / static_cast<double>(pairs);
  return out;
}

}  // namespace qqt
