// What the law predicts: the metric's kind (docs/config.md "metric"). The law's y is any
// lower-is-better quantity (spec §2: "Predicted accuracy is 1 − y when the metric is an error
// rate"); the kind says what values y may take and how reports show it.
//
// Everything that differs between kinds lives in ONE table (metric_kinds() in metric.cpp): the
// valid range of observed values and its message, whether accuracy = 1 − y is shown, the
// observation columns accepted, the fit bounds of d, the default name (the axis label when the
// config names none) and whether the "error ≥ 1" warnings apply. Adding a kind adds an enum value
// and a row there; the commands read the row, never the enum.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qqt {

/// The kind of the predicted quantity y (YAML `metric: {kind: ...}`).
enum class MetricKind {
  error_rate,  ///< "error-rate": a rate in [0, 1]; accuracy = 1 − y is shown. The default.
  loss,        ///< "loss": any positive value, lower is better (e.g. validation cross-entropy)
};

/// A column of an observations CSV that carries the metric, and how its value becomes y.
struct MetricColumn {
  const char* name = "";    ///< header name: "error", "accuracy", "loss"
  bool complement = false;  ///< true: y = 1 − value (accuracy); false: y = value
};

/// Where the fit's upper bound of d comes from.
enum class DUpperBound {
  max_value,                   ///< the kind's largest valid value (error rate: d ≤ 1)
  below_smallest_observation,  ///< d < min observed y (loss: the law's y never falls below d)
};

/// One row of the table: everything that differs per kind.
struct MetricKindInfo {
  MetricKind kind;
  const char* name;          ///< YAML spelling, e.g. "error-rate"
  const char* default_name;  ///< the metric's name (report and axis label) when the config gives none
  const char* value_name;    ///< what y is called in reports and machine output: "error", "loss"
  double min_value;          ///< smallest valid y (inclusive when min_inclusive)
  bool min_inclusive;
  double max_value;                   ///< largest valid y, inclusive; +inf for none
  const char* range_rule;             ///< the message for a value outside the range, e.g. "must be in [0, 1] (a rate, not a percentage)"
  bool shows_accuracy;                ///< reports show accuracy = 1 − y beside y
  std::vector<MetricColumn> columns;  ///< observation columns accepted, first = the plain value
  DUpperBound d_upper;                ///< fit bound of d (its lower bound is always 0)
  bool warns_at_or_above_one;         ///< "every strategy predicts an error of 1 or more" warnings apply
};

/// The table, one row per MetricKind, in enum order.
const std::vector<MetricKindInfo>& metric_kinds();
/// The row of `kind`.
const MetricKindInfo& info(MetricKind kind);
/// The YAML spelling of `kind` ("error-rate", "loss").
const char* to_string(MetricKind kind);
/// The YAML spellings of every kind, in table order (for "must be one of" and "did you mean").
std::vector<std::string> metric_kind_names();
/// The kind spelled `name` exactly, or nullopt.
std::optional<MetricKind> find_metric_kind(std::string_view name);

/// What the law predicts: a name for reports and axis labels, and its kind.
struct Metric {
  std::string name = "error";  ///< label, e.g. "ImageNet zero-shot error"; non-empty
  MetricKind kind = MetricKind::error_rate;
};

/// True when `y` is a valid value of `kind` (finite and inside the kind's range).
bool in_range(MetricKind kind, double y);

/// The kind (and column) whose observation column is spelled `header`, or nullopt.
struct ColumnMatch {
  MetricKind kind;
  MetricColumn column;
};
std::optional<ColumnMatch> find_metric_column(std::string_view header);
/// Every column name any kind accepts, in table order (for "did you mean").
std::vector<std::string> metric_column_names();
/// The column names `kind` accepts, joined "error or accuracy".
std::string accepted_columns(MetricKind kind);

/// y from a column value: 1 − value for a complement column (accuracy), else value.
double y_of(const MetricColumn& column, double value);
/// The column value of y: the inverse of y_of.
double value_of(const MetricColumn& column, double y);

/// Accuracy 1 − y when the kind shows it, else nullopt.
std::optional<double> accuracy_of(MetricKind kind, double y);

/// The fit's bounds of d for `kind` given the smallest observed y (of positive weight).
struct DRange {
  double lo = 0.0;  ///< inclusive
  double hi = 1.0;  ///< inclusive (for a loss: the largest double below the smallest observation)
};
DRange d_range(MetricKind kind, double smallest_observation);

}  // namespace qqt
