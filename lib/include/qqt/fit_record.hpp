// The `fit:` block of a fitted config (docs/config.md "The fit block"): how `qqt fit` got the
// parameters, how well they fit, and (with --bootstrap) their intervals and bootstrap parameter
// sets, which `qqt plan` uses to say how often each filter level is best.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qqt {

/// The loss of one residual r = predicted - observed error.
struct Loss {
  enum class Kind { squared, huber };
  Kind kind = Kind::squared;  ///< squared: r^2. huber: r^2/2 if |r| <= delta, else delta (|r| - delta/2)
  double delta = 0.0;         ///< huber only: where the loss turns linear, in error units; finite, > 0
};

/// "squared" or "huber:DELTA" (DELTA a finite number > 0). Throws InputError naming `what`.
Loss parse_loss(std::string_view text, std::string_view what);
/// The text parse_loss reads back ("squared", "huber:0.01").
std::string to_string(const Loss& loss);

/// One complete set of fitted parameters (pool order).
struct ParameterSet {
  double a = 0.0;           ///< > 0
  double d = 0.0;           ///< >= 0
  std::vector<double> b;    ///< one per pool, each < 0
  std::vector<double> tau;  ///< one per pool, each > 0
};

/// A closed interval [lo, hi], lo <= hi.
struct Interval {
  double lo = 0.0;
  double hi = 0.0;
};

/// What `qqt fit --bootstrap N` adds: percentile intervals and the refitted parameter sets.
struct BootstrapRecord {
  std::uint64_t seed = 0;          ///< seed of the resampling
  double level = 0.9;              ///< coverage of the intervals, in (0, 1)
  Interval a;                      ///< interval of a
  Interval d;                      ///< interval of d
  std::vector<Interval> b;         ///< per pool
  std::vector<Interval> tau;       ///< per pool
  std::vector<ParameterSet> sets;  ///< one per bootstrap fit (`fits` in YAML is its size); at least one
  std::size_t at_bound = 0;        ///< refits that ended with a parameter at a bound (0..fits)
};

/// The statistics of a fit, as written under `fit:`.
struct FitRecord {
  std::string observations;         ///< source of the fitted rows (file path)
  std::size_t rows = 0;             ///< rows fitted (>= 1)
  std::string loss = "squared";     ///< "squared" or "huber:DELTA"
  std::vector<std::string> fixed;   ///< parameters held (of a, d, b, tau)
  std::vector<std::string> shared;  ///< parameters shared by all pools (of b, tau)
  std::uint64_t seed = 0;           ///< seed of the multistart (and of the bootstrap)
  double objective_start = 0.0;     ///< objective at the initial guess (>= 0)
  double objective = 0.0;           ///< objective at the fitted parameters (>= 0)
  double rmse = 0.0;                ///< weighted root mean square residual (>= 0)
  double mae = 0.0;                 ///< weighted mean absolute residual (>= 0)
  double max_abs = 0.0;             ///< largest absolute residual (>= 0)
  /// The most passes over any one pool in the fitted runs of positive weight: max over rows and
  /// pools of n w_i / u_i (strategy.hpp). Beyond it the law extrapolates in repetition, which plan
  /// marks ("passes", docs/output.md). Absent in fit blocks written before it was recorded.
  std::optional<double> max_pool_passes;
  std::size_t evaluations = 0;            ///< objective evaluations, every phase
  std::size_t local_runs = 0;             ///< local optimisations of the multistart
  std::string stopped;                    ///< why the final polish stopped
  std::vector<std::string> at_bound;      ///< parameters that ended at a bound, e.g. "tau[top 0-10%] at upper bound 10000"
  std::vector<std::string> undetermined;  ///< parameters or combinations the rows do not determine (docs/fit.md "Identifiability")
  std::vector<std::string> warnings;      ///< what the data cannot tell, for people (FitSummary::warnings and the bootstrap's)
  std::optional<BootstrapRecord> bootstrap;
};

}  // namespace qqt
