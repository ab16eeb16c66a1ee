// `qqt validate`: a fitted config's predictions against held-out runs, judged by error and by the
// decisions the law would make (docs/validation.md); and the leave-one-out check of `qqt fit
// --cross-validate`. Compute only: fit_render draws the reports.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "qqt/fit.hpp"
#include "qqt/law.hpp"
#include "qqt/observations.hpp"

namespace qqt {

/// Options of `validate` (validated by validate(ValidationOptions)).
struct ValidationOptions {
  /// The quality gate: the check fails when MAE exceeds it (in the file's metric units, e.g. 0.01
  /// = one accuracy point, or 0.01 nats of a loss). Finite and >= 0. Default none (never fails).
  std::optional<double> max_mae;
  /// The decision gate: the check fails when the pooled decision accuracy (share of pairs of
  /// held-out strategies at one budget that the law orders correctly) is below it. In [0, 1].
  /// Default none. The held-out runs must then have some budget with two strategies.
  std::optional<double> min_decision_accuracy;
  /// Runs whose samples_seen lie within this relative distance of the smallest of their group count
  /// as one budget for the decisions (published runs at a nominal "34B" differ by a few percent).
  /// Range [0, 1]. Default 0.1; 0 groups exact values only.
  double budget_rel_tol = 0.1;
};

/// Throws InputError naming the field, its value and the rule.
void validate(const ValidationOptions& options);

/// One held-out run, in the file's column (error, accuracy = 1 - error, or loss).
struct ValidationRow {
  std::string pool;  ///< as written in the file
  double samples_seen = 0.0;
  double observed = 0.0;
  double predicted = 0.0;
  std::size_t line = 0;  ///< line in the observations file
};

/// The law's decisions among the held-out strategies of one budget (docs/validation.md
/// "Validation by decisions"). A strategy is a `pool` label; rows of one strategy at one budget are
/// averaged. Figures in error terms whatever the file's metric (ranking by accuracy is the reverse).
struct BudgetDecisions {
  double budget_samples = 0.0;  ///< the smallest samples_seen of the budget's group
  std::size_t strategies = 0;   ///< distinct held-out strategies here (>= 2)
  /// Spearman's rank correlation of predicted and observed error (average ranks for ties);
  /// nullopt when either side has all ranks equal.
  std::optional<double> spearman;
  std::size_t pairs = 0;       ///< pairs of strategies with different observed errors
  double correct_pairs = 0.0;  ///< pairs ordered as observed (a predicted tie counts 1/2)
  /// correct_pairs / pairs; nullopt when pairs == 0.
  std::optional<double> decision_accuracy;
  std::string chosen;   ///< the strategy the law ranks first (lowest predicted error; ties: file order)
  std::string best;     ///< the strategy with the lowest observed error (ties: file order)
  double regret = 0.0;  ///< observed error of `chosen` minus that of `best` (>= 0)
};

struct ValidationReport {
  MetricColumn metric = info(MetricKind::error_rate).columns.front();  ///< the file's column: error, accuracy or loss
  std::vector<ValidationRow> rows;                                     ///< file order
  double mae = 0.0;                                                    ///< mean |predicted - observed| over rows (weights are ignored)
  double rmse = 0.0;                                                   ///< sqrt(mean (predicted - observed)^2)
  double max_abs = 0.0;                                                ///< max |predicted - observed|
  std::vector<BudgetDecisions> decisions;                              ///< budgets with >= 2 held-out strategies, ascending
  /// Pooled over budgets: sum of correct_pairs / sum of pairs; nullopt without pairs.
  std::optional<double> decision_accuracy;
  /// Mean over `decisions` of regret; nullopt without such budgets.
  std::optional<double> mean_regret;
  std::optional<double> max_mae;                ///< the gate, if any
  std::optional<double> min_decision_accuracy;  ///< the gate, if any
  std::vector<std::string> warnings;            ///< e.g. a gate that cannot fail; the app logs them on stderr
  bool mae_passed() const { return !max_mae || mae <= *max_mae; }
  bool decisions_passed() const { return !min_decision_accuracy || (decision_accuracy && *decision_accuracy >= *min_decision_accuracy); }
  bool passed() const { return mae_passed() && decisions_passed(); }
};

/// Predicts every row of `observations` with `model` (a row's pools, uniform over their data) and
/// scores the law's decisions. Throws InputError when a decision gate is set but no budget has two
/// held-out strategies.
ValidationReport check_predictions(const Model& model, const Observations& observations, const ValidationOptions& options = {});

/// The decisions of one budget from (strategy, predicted error, observed error) triples, in the
/// order given (ties broken by it). Exposed for tests.
struct DecisionInput {
  std::string strategy;
  double predicted_error = 0.0;
  double observed_error = 0.0;
};
BudgetDecisions score_decisions(double budget_samples, const std::vector<DecisionInput>& strategies);

/// What `qqt fit --cross-validate` leaves out in turn.
enum class FoldBy {
  budget,  ///< every row at one samples_seen value (how far the law extrapolates in compute)
  group,   ///< every row of one run group (`pool` label)
};

/// "budget" or "group"; throws InputError naming `what` otherwise.
FoldBy parse_fold_by(std::string_view text, std::string_view what);
const char* to_string(FoldBy by);

/// Groups ascending `samples_seen` values: a value joins the current group when it is at most
/// (1 + rel_tol) times the group's smallest value. Returns, per value given, its group's smallest value.
std::vector<double> budget_groups(const std::vector<double>& samples_seen, double rel_tol);

/// One refit without one budget or group, scored on the rows left out.
struct Fold {
  std::string held_out;                     ///< the budget (samples, as text) or group label left out
  std::size_t train_rows = 0;               ///< rows fitted
  std::size_t held_rows = 0;                ///< rows predicted
  std::string skipped;                      ///< why the fold could not be fitted (then no figures); empty otherwise
  double mae = 0.0;                         ///< of the held-out rows, in the file's metric
  std::optional<double> decision_accuracy;  ///< of the held-out rows (budgets with >= 2 strategies among them)
  std::optional<double> mean_regret;        ///< same
  std::size_t pairs = 0;                    ///< pairs behind decision_accuracy
  double correct_pairs = 0.0;
};

struct CrossValidation {
  FoldBy by = FoldBy::budget;
  std::vector<Fold> folds;                  ///< ascending budget, or group labels in first-appearance order
  std::size_t folds_fitted = 0;             ///< folds with figures
  double mae = 0.0;                         ///< mean |predicted - observed| over every held-out row of fitted folds
  std::optional<double> decision_accuracy;  ///< pooled over fitted folds: sum correct / sum pairs
};

/// Refits `start` to `observations` without each budget (grouped as budget_groups() with the
/// default ValidationOptions::budget_rel_tol) or group in turn, with `options`
/// (diagnostics off), and predicts the rows left out. A fold whose remaining rows cannot fit the
/// parameters (too few rows, a pool left without runs and without a value) is reported as skipped.
/// Throws InputError when there are fewer than two budgets (groups) to leave out.
CrossValidation cross_validate(const Model& start, const Observations& observations, const FitOptions& options, FoldBy by);

}  // namespace qqt
