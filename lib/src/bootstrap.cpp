// Bootstrap refits (docs/fit.md "Uncertainty") and the uncertainty of the plan's decision
// (docs/output.md "Decision uncertainty"). Compute only; fit_render draws the results.
#include "qqt/bootstrap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "parallel.hpp"
#include "qqt/error.hpp"
#include "random.hpp"

namespace qqt {

void validate(const BootstrapOptions& options) {
  if (options.resamples < 1 || options.resamples > 100'000) {
    throw InputError(fmt::format("bootstrap: resamples must be in [1, 100000], got {}", options.resamples));
  }
  if (!(options.level >= 0.5 && options.level <= 0.999)) {
    throw InputError(fmt::format("bootstrap: level must be in [0.5, 0.999], got {}", options.level));
  }
  if (options.threads < 1 || options.threads > 256) {
    throw InputError(fmt::format("bootstrap: threads must be in [1, 256], got {}", options.threads));
  }
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) throw InternalError("quantile of no values");
  if (!(q >= 0 && q <= 1)) throw InternalError(fmt::format("quantile: q = {} outside [0, 1]", q));
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

namespace {

// The seed of resample i: one SplitMix64 step from (seed, i), so every resample has its own
// stream and the sets do not depend on which thread draws them, or in which order.
std::uint64_t resample_seed(std::uint64_t seed, std::size_t i) {
  SplitMix64 g(seed ^ (0xD1B54A32D192ED03ULL * (static_cast<std::uint64_t>(i) + 1)));
  return g.next();
}

Interval interval_of(std::vector<double> values, double level) {
  const double lo_q = 0.5 * (1.0 - level), hi_q = 1.0 - lo_q;
  std::sort(values.begin(), values.end());
  return Interval{quantile(values, lo_q), quantile(values, hi_q)};
}

}  // namespace

BootstrapResult bootstrap(const FitResult& fitted, const Observations& observations, const FitOptions& fit_options,
                          const BootstrapOptions& options) {
  validate(options);
  validate(fit_options);
  BootstrapResult result;
  double mean_error = 0.0, weight = 0.0;
  for (const auto& row : observations.rows) {
    if (!(row.weight > 0)) continue;
    mean_error += row.weight * row.error;
    weight += row.weight;
  }
  mean_error = weight > 0 ? mean_error / weight : 0.0;
  if (fitted.summary.rmse <= kRoundingRmseRel * mean_error) {
    result.uninformative = fmt::format(
        "the bootstrap says nothing here: the residuals are at rounding level (RMSE {:.3g}, mean error {:.4g}), so the law interpolates "
        "the "
        "runs and every resample refits to the same parameters; no intervals or parameter sets are written",
        fitted.summary.rmse, mean_error);
    return result;
  }
  // Strata: rows of the same run type (the same set of pools).
  std::map<std::vector<std::size_t>, std::vector<std::size_t>> strata;
  for (std::size_t r = 0; r < observations.rows.size(); ++r) strata[observations.rows[r].pools].push_back(r);
  const std::size_t free_count = fitted.summary.free.size();

  // Each refit: one local run from the full fit, then the polish; no diagnostics.
  FitOptions refit = fit_options;
  refit.scan_points = 0;
  refit.max_local_runs = 1;
  refit.confirmations = 1;
  refit.diagnostics = false;
  // Levenberg-Marquardt converges quadratically from the nearby full fit; BOBYQA's extra rounds
  // move a refit by far less than the spread of the sets and cost most of the time.
  refit.derivative_free_polish = false;
  // A relative step of 1e-9 in (ln a, d, ln(-b), ln tau) is far below the spread of the sets; the
  // last digits of a 1e-12 polish cost a third of a refit's evaluations.
  refit.polish_xtol_rel = std::max(fit_options.polish_xtol_rel, kRefitPolishXtolRel);

  BootstrapRecord out;
  out.seed = options.seed;
  out.level = options.level;
  const auto count = static_cast<std::size_t>(options.resamples);
  out.sets.resize(count);
  std::vector<char> at_bound(count, 0);
  std::mutex progress_mutex;
  int done = 0;
  detail::parallel_for(count, options.threads, [&](std::size_t i, int) {
    SplitMix64 rng(resample_seed(options.seed, i));
    Observations sample;
    sample.source = observations.source;
    sample.metric = observations.metric;
    sample.rows.reserve(observations.rows.size());
    for (const auto& [pools, rows] : strata) {
      for (std::size_t k = 0; k < rows.size(); ++k) sample.rows.push_back(observations.rows[rows[rng.below(rows.size())]]);
    }
    if (informative_rows(sample) < std::max<std::size_t>(free_count, 1)) {
      // Too few rows of positive weight drawn to determine the parameters: keep the full fit.
      out.sets[i] = parameters_of(fitted.model);
    } else {
      const FitResult r = fit(fitted.model, sample, refit);
      at_bound[i] = r.summary.at_bound.empty() ? 0 : 1;
      out.sets[i] = parameters_of(r.model);
    }
    if (options.progress) {
      const std::lock_guard<std::mutex> lock(progress_mutex);
      options.progress(++done, options.resamples);
    }
  });
  out.at_bound = static_cast<std::size_t>(std::count(at_bound.begin(), at_bound.end(), 1));

  auto interval = [&](auto&& get) {
    std::vector<double> v;
    v.reserve(out.sets.size());
    for (const auto& s : out.sets) v.push_back(get(s));
    return interval_of(std::move(v), options.level);
  };
  out.a = interval([](const ParameterSet& s) { return s.a; });
  out.d = interval([](const ParameterSet& s) { return s.d; });
  for (std::size_t p = 0; p < fitted.model.pools.size(); ++p) {
    out.b.push_back(interval([p](const ParameterSet& s) { return s.b[p]; }));
    out.tau.push_back(interval([p](const ParameterSet& s) { return s.tau[p]; }));
  }
  result.record = std::move(out);
  return result;
}

namespace {

Strategy as_strategy(const StrategyInfo& info) {
  Strategy s;
  s.fractions = info.fractions;
  s.weights = info.weights;
  return s;
}

bool same_strategy(const StrategyInfo& a, const StrategyInfo& b) { return a.fractions == b.fractions && a.weights == b.weights; }

// The strategies compared at one budget: feasible top-k levels, then the families' bests not listed.
DecisionUncertainty compared_at(const BudgetPlan& b, double level, std::size_t fits) {
  DecisionUncertainty d;
  d.budget_samples = b.budget_samples;
  d.fits = fits;
  d.level = level;
  auto add = [&](const Candidate& c, const std::string& family) {
    for (const auto& s : d.compared) {
      if (same_strategy(*s.info, *c.info)) return;
    }
    StrategyUncertainty s;
    s.info = c.info;
    s.family = family;
    s.error = c.error;
    d.compared.push_back(std::move(s));
  };
  for (const Candidate& c : b.candidates) {
    if (c.feasible) add(c, "topk");
  }
  for (const FamilyBest& f : b.families) {
    if (f.best) add(*f.best, to_string(f.family));
  }
  const Candidate& best = b.overall_best();
  bool found = false;
  for (std::size_t i = 0; i < d.compared.size() && !found; ++i) {
    if (same_strategy(*d.compared[i].info, *best.info)) {
      d.recommended = i;
      found = true;
    }
  }
  if (!found)
    throw InternalError(fmt::format("decision_uncertainty: the overall best at {} is not among the compared strategies", b.budget_samples));
  return d;
}

}  // namespace

std::vector<DecisionUncertainty> decision_uncertainty(const Model& model, const PlanResult& plan, const BootstrapRecord& record,
                                                      int threads) {
  if (record.sets.empty()) throw InternalError("decision_uncertainty: no bootstrap sets");
  if (threads < 1 || threads > 256) throw InputError(fmt::format("threads must be in [1, 256], got {}", threads));
  const std::size_t sets = record.sets.size();
  std::vector<DecisionUncertainty> out;
  out.reserve(plan.budgets.size());
  for (const BudgetPlan& b : plan.budgets) out.push_back(compared_at(b, record.level, sets));

  // Budgets in chunks, so that the table of errors (sets x budgets x strategies) stays small.
  constexpr std::size_t kChunk = 64;
  std::vector<Model> models;
  models.reserve(sets);
  for (const ParameterSet& s : record.sets) models.push_back(with_parameters(model, s));
  for (std::size_t first = 0; first < out.size(); first += kChunk) {
    const std::size_t last = std::min(out.size(), first + kChunk);
    // errors[set][k]: k runs over (budget, strategy) pairs of the chunk in order.
    std::vector<std::size_t> offset(last - first + 1, 0);
    for (std::size_t j = first; j < last; ++j) offset[j - first + 1] = offset[j - first] + out[j].compared.size();
    std::vector<std::vector<double>> errors(sets, std::vector<double>(offset.back()));
    detail::parallel_for(sets, threads, [&](std::size_t s, int) {
      // One Mixture per distinct strategy of the chunk (a top-k level serves every budget).
      std::map<const StrategyInfo*, Mixture> mixtures;
      for (std::size_t j = first; j < last; ++j) {
        const DecisionUncertainty& d = out[j];
        for (std::size_t k = 0; k < d.compared.size(); ++k) {
          const StrategyInfo* info = d.compared[k].info.get();
          auto it = mixtures.find(info);
          if (it == mixtures.end()) it = mixtures.emplace(info, Mixture(models[s], as_strategy(*info))).first;
          errors[s][offset[j - first] + k] = it->second.error(d.budget_samples);
        }
      }
    });
    for (std::size_t j = first; j < last; ++j) {
      DecisionUncertainty& d = out[j];
      const std::size_t n = d.compared.size(), base = offset[j - first];
      std::vector<std::size_t> wins(n, 0);
      std::vector<std::vector<double>> regret(n, std::vector<double>(sets));
      std::vector<std::vector<double>> err(n, std::vector<double>(sets));
      for (std::size_t s = 0; s < sets; ++s) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < n; ++k) {
          if (errors[s][base + k] < errors[s][base + best]) best = k;
        }
        ++wins[best];
        for (std::size_t k = 0; k < n; ++k) {
          err[k][s] = errors[s][base + k];
          regret[k][s] = errors[s][base + k] - errors[s][base + best];
        }
      }
      for (std::size_t k = 0; k < n; ++k) {
        StrategyUncertainty& u = d.compared[k];
        u.error_interval = interval_of(err[k], d.level);
        u.accuracy_interval = Interval{1.0 - u.error_interval.hi, 1.0 - u.error_interval.lo};
        u.p_best = static_cast<double>(wins[k]) / static_cast<double>(sets);
        double sum = 0.0;
        for (double r : regret[k]) sum += r;
        u.regret_mean = sum / static_cast<double>(sets);
        u.regret = interval_of(regret[k], d.level);
        u.near_optimal = u.p_best >= kNearOptimalShare || u.regret.lo <= 0.0;
        if (u.near_optimal) d.near_optimal.push_back(k);
      }
    }
  }
  return out;
}

std::vector<Interval> prediction_intervals(const Model& model, const Strategy& strategy, const BootstrapRecord& record,
                                           const std::vector<double>& budgets_samples) {
  if (record.sets.empty()) throw InternalError("prediction_intervals: no bootstrap sets");
  std::vector<std::vector<double>> errors(budgets_samples.size(), std::vector<double>(record.sets.size()));
  for (std::size_t s = 0; s < record.sets.size(); ++s) {
    const Mixture mix(with_parameters(model, record.sets[s]), strategy);
    for (std::size_t b = 0; b < budgets_samples.size(); ++b) errors[b][s] = mix.error(budgets_samples[b]);
  }
  std::vector<Interval> out;
  out.reserve(budgets_samples.size());
  for (auto& e : errors) out.push_back(interval_of(std::move(e), record.level));
  return out;
}

}  // namespace qqt
