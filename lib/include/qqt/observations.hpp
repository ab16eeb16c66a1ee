// Evaluation results of training runs (docs/fit.md "Observations CSV"): what `qqt fit` fits and
// `qqt validate` checks. A strict RFC 4180 reader whose errors name file:line:col and the rule.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "qqt/law.hpp"

namespace qqt {

/// One training run's result.
struct Observation {
  std::string pool;                ///< the `pool` field as written (trimmed), e.g. "top 0-10%" or "a+b"
  std::vector<std::size_t> pools;  ///< indices into Model::pools of the run's data, ascending, unique
  double samples_seen = 0.0;       ///< n: samples seen by the run; > 0
  double error = 0.0;              ///< observed y in the metric's units (1 - accuracy if the file gave accuracy)
  double weight = 1.0;             ///< weight of the row in the fit objective; >= 0 (default 1)
  std::size_t line = 0;            ///< 1-based line of the row in its file (0 if built in code)
};

/// A file of observations.
struct Observations {
  std::string source;                                                  ///< file path or "<stdin>"
  MetricColumn metric = info(MetricKind::error_rate).columns.front();  ///< the column the file gave (metric.hpp)
  std::vector<Observation> rows;                                       ///< in file order; at least one
};

/// Parses observations against `model`'s pool names (only names and sizes are used).
///
/// Format: a header row naming the columns `pool`, `samples_seen` and exactly one metric column
/// of the config's metric kind (metric.hpp: `error` or `accuracy` for an error rate, `loss` for a
/// loss; a column of another kind is an error naming both), optionally `weight` (any order, no
/// other columns, none twice); then one row per run.
/// Lines starting with '#' and blank lines are skipped. Fields follow RFC 4180 (double quotes,
/// "" inside quotes, quoted commas and line breaks); blanks around unquoted fields are ignored.
/// `pool` is a pool name of the config, or several joined by '+' ("a+b+c": one run on the union of
/// those pools, predicted with the uniform mix over them); an exact pool name wins over splitting.
/// `samples_seen` accepts parse_count forms (12.8M, 1.28e7). The metric value must be finite and
/// in the kind's range (rates in [0, 1], losses > 0); weight finite and >= 0, with at least one row of positive weight.
/// Throws InputError "SOURCE:LINE:COL: COLUMN rule, got VALUE" on any violation.
Observations parse_observations(std::string_view text, const std::string& source, const Model& model);

/// Reads observations from `path` ("-" reads standard input); see parse_observations.
Observations load_observations_file(const std::string& path, const Model& model);

/// The strategy a row's run used: its pools whole (f = 1), uniform over their data.
Strategy strategy_of(const Observation& row, const Model& model);

}  // namespace qqt
