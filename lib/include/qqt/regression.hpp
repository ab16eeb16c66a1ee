// `qqt plan --expect BASELINE.json`: compare a plan with a saved JSON plan (a CI regression check).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "qqt/config.hpp"
#include "qqt/plan.hpp"

namespace qqt {

struct RegressionOptions {
  /// Largest accepted relative change of a budget's best predicted error, |new - old| / |old|.
  /// Range [0, 1]. Default 1e-6.
  double tolerance_rel = 1e-6;
};

/// Throws InputError naming the field, value and rule.
void validate(const RegressionOptions& options);

/// A baseline file, read before any work is done (so a bad file fails fast).
struct Baseline {
  std::string path;
  struct Budget {
    double budget_samples = 0.0;
    std::string strategy;  ///< id of the overall best strategy; "none" where no strategy was feasible (schema 2)
    double error = 0.0;    ///< its predicted error (0 for "none")
  };
  std::vector<Budget> budgets;  ///< in file order
  /// The inputs the plan was made from, flattened from the JSON members "config" (without its
  /// "source"), "law" and "search": (path, value) pairs such as ("law.a", "0.025") or
  /// ("search.families[1]", "threshold"), in file order.
  std::vector<std::pair<std::string, std::string>> inputs;
};

/// Reads `path` (a `qqt plan --format json` output, "schema": 1 or 2). Throws InputError
/// (file:line:col and the rule) if it is not such a file.
Baseline load_baseline(const std::string& path);

struct RegressionReport {
  std::size_t budgets_compared = 0;
  /// One line per config or law value that differs from the baseline's ("config differs from the
  /// baseline: law.a: 0.025 in the baseline, 0.03 in this run"). Not a regression by itself (a CI
  /// check of a config change passes while the plan stays within tolerance), but it is what
  /// explains the findings, so the app prints these lines before them.
  std::vector<std::string> config_changes;
  /// One line per regression: other search families, constraints or mixture settings than the
  /// baseline's (then the budgets are not compared: their bests are not comparable), or a budget
  /// that changed, is new, or is gone. Empty = no regression.
  std::vector<std::string> findings;
  bool ok() const { return findings.empty(); }
};

/// Compares `plan` (made from `config`) with `baseline`. Findings: search settings that differ
/// (families, constraints, mixture seed and only_seen; each named with both values), and then no
/// budget is compared; else each budget of the plan whose overall best strategy
/// (BudgetPlan::overall_best) differs or whose best error moved by more than the tolerance (both
/// said as "improved" or "worsened"), or that the baseline lacks; then each budget of the baseline
/// that the plan no longer has. Config and law values that differ go to config_changes.
RegressionReport compare_with_baseline(const Config& config, const PlanResult& plan, const Baseline& baseline,
                                       const RegressionOptions& options);

}  // namespace qqt
