#include "qqt/bootstrap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "qqt/error.hpp"
#include "qqt/output.hpp"
#include "qqt/quantity.hpp"
#include "text_table.hpp"
#include "random.hpp"

namespace qqt {

void validate(const BootstrapOptions& options) {
  if (options.resamples < 1 || options.resamples > 100'000) {
    throw InputError(fmt::format("bootstrap: resamples must be in [1, 100000], got {}", options.resamples));
  }
  if (!(options.level >= 0.5 && options.level <= 0.999)) {
    throw InputError(fmt::format("bootstrap: level must be in [0.5, 0.999], got {}", options.level));
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

BootstrapRecord bootstrap(const FitResult& fitted, const Observations& observations, const FitOptions& fit_options,
                          const BootstrapOptions& options) {
  validate(options);
  validate(fit_options);
  // Strata: rows of the same run type (the same set of pools).
  std::map<std::vector<std::size_t>, std::vector<std::size_t>> strata;
  for (std::size_t r = 0; r < observations.rows.size(); ++r) strata[observations.rows[r].pools].push_back(r);

  // Each refit: one local run from the full fit, then the polish.
  FitOptions refit = fit_options;
  refit.scan_points = 0;
  refit.max_local_runs = 1;
  refit.confirmations = 1;

  BootstrapRecord out;
  out.seed = options.seed;
  out.level = options.level;
  SplitMix64 rng(options.seed);
  Observations sample;
  sample.source = observations.source;
  sample.metric = observations.metric;
  for (int i = 0; i < options.resamples; ++i) {
    sample.rows.clear();
    for (const auto& [pools, rows] : strata) {
      for (std::size_t k = 0; k < rows.size(); ++k) sample.rows.push_back(observations.rows[rows[rng.below(rows.size())]]);
    }
    double weight = 0.0;
    for (const auto& row : sample.rows) weight += row.weight;
    if (!(weight > 0)) {
      // Only rows of weight 0 were drawn: this resample says nothing; keep the full fit.
      out.sets.push_back(parameters_of(fitted.model));
    } else {
      const FitResult r = fit(fitted.model, sample, refit);
      if (!r.summary.at_bound.empty()) ++out.at_bound;
      out.sets.push_back(parameters_of(r.model));
    }
    if (options.progress) options.progress(i + 1, options.resamples);
  }

  const double lo_q = 0.5 * (1.0 - options.level), hi_q = 1.0 - lo_q;
  auto interval = [&](auto&& get) {
    std::vector<double> v;
    v.reserve(out.sets.size());
    for (const auto& s : out.sets) v.push_back(get(s));
    return Interval{quantile(v, lo_q), quantile(v, hi_q)};
  };
  out.a = interval([](const ParameterSet& s) { return s.a; });
  out.d = interval([](const ParameterSet& s) { return s.d; });
  for (std::size_t p = 0; p < fitted.model.pools.size(); ++p) {
    out.b.push_back(interval([p](const ParameterSet& s) { return s.b[p]; }));
    out.tau.push_back(interval([p](const ParameterSet& s) { return s.tau[p]; }));
  }
  return out;
}

std::vector<BestFrequency> best_frequency(const Model& model, const BootstrapRecord& record,
                                          const std::vector<NamedStrategy>& strategies, const std::vector<double>& budgets_samples) {
  if (strategies.empty()) throw InternalError("best_frequency: no strategies");
  if (record.sets.empty()) throw InternalError("best_frequency: no bootstrap sets");
  std::vector<BestFrequency> out(budgets_samples.size());
  std::vector<std::vector<std::size_t>> wins(budgets_samples.size(), std::vector<std::size_t>(strategies.size(), 0));
  for (const ParameterSet& set : record.sets) {
    const Model m = with_parameters(model, set);
    std::vector<Mixture> mixtures;
    mixtures.reserve(strategies.size());
    for (const auto& s : strategies) mixtures.emplace_back(m, s.strategy);
    for (std::size_t b = 0; b < budgets_samples.size(); ++b) {
      std::size_t best = 0;
      double best_error = mixtures[0].error(budgets_samples[b]);
      for (std::size_t i = 1; i < mixtures.size(); ++i) {
        const double e = mixtures[i].error(budgets_samples[b]);
        if (e < best_error) {
          best_error = e;
          best = i;
        }
      }
      ++wins[b][best];
    }
  }
  for (std::size_t b = 0; b < budgets_samples.size(); ++b) {
    BestFrequency& f = out[b];
    f.budget_samples = budgets_samples[b];
    f.fits = record.sets.size();
    for (std::size_t i = 0; i < strategies.size(); ++i) {
      f.strategies.push_back(strategies[i].id);
      f.frequency.push_back(static_cast<double>(wins[b][i]) / static_cast<double>(f.fits));
    }
  }
  return out;
}

std::string render_best_frequency_table(const std::vector<BestFrequency>& frequencies, bool markdown) {
  if (frequencies.empty()) return {};
  const BestFrequency& first = frequencies.front();
  detail::TextTable t;
  std::vector<std::string> head{"budget"};
  for (const auto& s : first.strategies) head.push_back(s);
  t.row(head);
  for (const auto& f : frequencies) {
    std::vector<std::string> r{format_count(f.budget_samples)};
    for (double x : f.frequency) r.push_back(fmt::format("{:.1f}", 100.0 * x));
    t.row(std::move(r));
  }
  return detail::caption(fmt::format("best level across {} bootstrap fits (% of fits in which each level is best)", first.fits), markdown) +
         t.render(markdown, false);
}

std::string best_frequency_json(const BestFrequency& frequency) {
  std::string members;
  for (std::size_t i = 0; i < frequency.strategies.size(); ++i) {
    if (i) members += ",";
    members += json_string(frequency.strategies[i]) + ":" + exact_number(frequency.frequency[i]);
  }
  return fmt::format("\"bootstrap\":{{\"fits\":{},\"best_frequency\":{{{}}}}}", frequency.fits, members);
}

}  // namespace qqt
