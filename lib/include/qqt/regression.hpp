// `qqt plan --expect BASELINE.json`: compare a plan with a saved JSON plan (a CI regression check).
#pragma once

#include <string>
#include <vector>

#include "qqt/plan.hpp"

namespace qqt {

struct RegressionOptions {
  /// Largest accepted relative change of a budget's best predicted error, |new - old| / |old|.
  /// Range [0, 1]. Default 1e-6.
  double tolerance_rel = 1e-6;
};

/// Throws InputError naming the field, value and rule.
void validate(const RegressionOptions& options);

struct RegressionReport {
  std::size_t budgets_compared = 0;
  std::vector<std::string> findings;  ///< one line per budget that changed; empty = no regression
  bool ok() const { return findings.empty(); }
};

/// Reads `baseline_path` (a `qqt plan --format json` output, "schema": 1) and names every budget
/// of `plan` whose overall best strategy (BudgetPlan::overall_best: the best of the searched
/// families) differs, whose best error moved by more than the tolerance, or that the baseline lacks.
/// Throws InputError (file:line:col) if the baseline is not such a file.
RegressionReport compare_with_baseline(const PlanResult& plan, const std::string& baseline_path, const RegressionOptions& options);

}  // namespace qqt
