// Rendering what the fit's companions compute (docs/output.md): the decision uncertainty a
// bootstrap adds to `qqt plan` and `qqt predict`, the `qqt validate` report, and the
// cross-validation report of `qqt fit --cross-validate`. The compute modules (bootstrap,
// validation) return data only; the apps call these.
#pragma once

#include <string>
#include <vector>

#include "qqt/bootstrap.hpp"
#include "qqt/config.hpp"
#include "qqt/output.hpp"
#include "qqt/validation.hpp"

namespace qqt {

/// What the decision uncertainty adds to a plan (PlanExtras): per budget the JSON member
/// "uncertainty":{...}, the table section (Markdown when `markdown`) and the CSV section
/// (docs/output.md "Decision uncertainty").
PlanExtras decision_extras(const std::vector<DecisionUncertainty>& decisions, bool markdown);

/// The prediction intervals of `qqt predict` as a section after its table, its JSON member
/// "intervals" or its CSV section (docs/output.md "Decision uncertainty").
std::string render_prediction_intervals(const std::vector<double>& budgets_samples, const std::vector<Interval>& intervals,
                                        const BootstrapRecord& record, Format format);

/// Table (per row, the summary, the decisions per budget), JSON or CSV (one line per row) of
/// `qqt validate` (docs/validation.md).
std::string render_validation(const Config& config, const std::string& observations_source, const ValidationReport& report, Format format);

/// The cross-validation report of `qqt fit --cross-validate`, for people (stderr).
std::string render_cross_validation(const CrossValidation& cv, const MetricColumn& metric);

}  // namespace qqt
