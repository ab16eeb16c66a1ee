// How far to trust a fit (docs/fit.md "Uncertainty"): bootstrap refits of resampled observations,
// percentile intervals of every parameter, and, for `qqt plan`, how often each filter level is the
// best across the bootstrap parameter sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "qqt/fit.hpp"
#include "qqt/fit_record.hpp"
#include "qqt/law.hpp"
#include "qqt/observations.hpp"
#include "qqt/strategy.hpp"

namespace qqt {

/// Options of bootstrap() (validated by validate(BootstrapOptions)).
struct BootstrapOptions {
  /// Number of resamples, each refitted. Range 1..100,000. Default 200.
  int resamples = 200;
  /// Seed of the resampling. Any value; default 1. The same seed gives the same sets, bit for bit.
  std::uint64_t seed = 1;
  /// Coverage of the percentile intervals. Range [0.5, 0.999]. Default 0.9 (5th to 95th percentile).
  double level = 0.9;
  /// Called after each refit with (done, total); may be empty. The app draws a progress bar with it.
  std::function<void(int, int)> progress;
};

/// Throws InputError naming the field, its value and the rule.
void validate(const BootstrapOptions& options);

/// Resamples the rows with replacement within each `pool` label (every kind of run keeps its count
/// of rows), refits each resample from `fitted.model` (one local run and the polish, with the
/// options of the full fit) and returns the parameter sets and their percentile intervals (linear
/// interpolation between order statistics, "type 7"). Parameters held by `fit_options` keep their
/// value in every set. Deterministic for a given seed.
BootstrapRecord bootstrap(const FitResult& fitted, const Observations& observations, const FitOptions& fit_options,
                          const BootstrapOptions& options);

/// The q-quantile (q in [0, 1]) of `values` (not empty) by linear interpolation between order
/// statistics (Hyndman-Fan type 7, R's default).
double quantile(std::vector<double> values, double q);

/// How often each strategy is best at one budget across the bootstrap parameter sets.
struct BestFrequency {
  double budget_samples = 0.0;
  std::size_t fits = 0;                ///< parameter sets evaluated
  std::vector<std::string> strategies; ///< strategy ids, in the order given
  std::vector<double> frequency;       ///< share of sets in which each strategy is best (ties: earlier); sums to 1
};

/// For each budget, the share of `record.sets` in which each of `strategies` has the lowest
/// predicted error (the model's law, pools and sizes with each set's parameters).
std::vector<BestFrequency> best_frequency(const Model& model, const BootstrapRecord& record,
                                          const std::vector<NamedStrategy>& strategies, const std::vector<double>& budgets_samples);

/// The extra table section of `qqt plan` for a fitted config with bootstrap sets.
std::string render_best_frequency_table(const std::vector<BestFrequency>& frequencies, bool markdown = false);

/// The JSON member `"bootstrap":{"fits":N,"best_frequency":{"top-1":0.2,...}}` of one budget.
std::string best_frequency_json(const BestFrequency& frequency);

}  // namespace qqt
