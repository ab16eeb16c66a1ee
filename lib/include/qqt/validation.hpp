// `qqt validate`: a fitted config's predictions against held-out runs (docs/fit.md "Validation").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "qqt/config.hpp"
#include "qqt/observations.hpp"
#include "qqt/output.hpp"

namespace qqt {

/// Options of `validate` (validated by validate(ValidationOptions)).
struct ValidationOptions {
  /// The quality gate: the check fails when MAE exceeds it (in the file's metric units, e.g. 0.01
  /// = one accuracy point, or 0.01 nats of a loss). Finite and >= 0. Default none (never fails).
  std::optional<double> max_mae;
};

/// Throws InputError naming the field, its value and the rule.
void validate(const ValidationOptions& options);

/// One held-out run, in the file's column (error, accuracy = 1 - error, or loss).
struct ValidationRow {
  std::string pool;           ///< as written in the file
  double samples_seen = 0.0;
  double observed = 0.0;
  double predicted = 0.0;
  std::size_t line = 0;       ///< line in the observations file
};

struct ValidationReport {
  MetricColumn metric = info(MetricKind::error_rate).columns.front();  ///< the file's column: error, accuracy or loss
  std::vector<ValidationRow> rows;  ///< file order
  double mae = 0.0;                 ///< mean |predicted - observed| over rows (weights are ignored)
  double rmse = 0.0;                ///< sqrt(mean (predicted - observed)^2)
  double max_abs = 0.0;             ///< max |predicted - observed|
  std::optional<double> max_mae;    ///< the gate, if any
  bool passed() const { return !max_mae || mae <= *max_mae; }
};

/// Predicts every row of `observations` with `model` (a row's pools, uniform over their data).
ValidationReport check_predictions(const Model& model, const Observations& observations, const ValidationOptions& options = {});

/// Table (per row and the summary), JSON ({"schema":1,"metric":{"name","kind","column"},"rows":[{"pool","samples_seen",
/// "observed","predicted"}],"mae","rmse","max_abs"}) or CSV (one line per row).
std::string render_validation(const Config& config, const std::string& observations_source, const ValidationReport& report,
                              Format format);

}  // namespace qqt
