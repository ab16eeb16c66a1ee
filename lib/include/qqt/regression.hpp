// `qqt plan --expect BASELINE.json`: compare a plan with a saved JSON plan (a CI regression check).
#pragma once

#include <map>
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

/// A saved plan (`qqt plan --format json`, "schema": 1 or 2): each budget's overall best strategy ("none": infeasible) and
/// its error, keyed by the budget in samples.
struct Baseline {
  struct Entry {
    std::string strategy;
    double error = 0.0;
  };
  std::map<double, Entry> budgets;
};

/// Reads a baseline file. Throws InputError (file:line:col) if it is not such a file. The app
/// reads it before any work, so a bad --expect fails at once.
Baseline load_baseline(const std::string& path);

/// Names every budget of `plan` whose overall best strategy (BudgetPlan::overall_best: the best of
/// the searched families) differs from `baseline`, whose best error moved by more than the
/// tolerance, or that the baseline lacks.
RegressionReport compare_with_baseline(const PlanResult& plan, const Baseline& baseline, const RegressionOptions& options);

/// load_baseline(baseline_path), then the comparison above.
/// Reads `baseline_path` (a `qqt plan --format json` output, "schema": 1) and names every budget
/// of `plan` whose overall best strategy (BudgetPlan::overall_best: the best of the searched
/// families) differs, whose best error moved by more than the tolerance, or that the baseline lacks.
/// Throws InputError (file:line:col) if the baseline is not such a file.
RegressionReport compare_with_baseline(const PlanResult& plan, const std::string& baseline_path, const RegressionOptions& options);

}  // namespace qqt
