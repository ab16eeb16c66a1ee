// validation.cpp <-> validation_test.cpp: predicted vs observed per held-out run, MAE, RMSE and
// max error by hand, the --max-mae gate, decision metrics (Spearman, pairwise decision accuracy,
// regret) on small tables computed by hand, the --min-decision-accuracy gate, and cross-validation
// on a case whose folds can be checked by hand. (The formats are tested in fit_render_test.cpp.)
#include "qqt/validation.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

constexpr double kHandRelTol = 1e-12;

// Power law, one pool x plus y: y(n) = (a n / N0)^b + d with a = 0.25, b = -0.5, d = 0.1:
// n = 1.6e6 -> 0.6, n = 6.4e6 -> 0.35 (pool x). Pool y has b = -1: n = 1.6e6 -> 0.35.
Config power_config() {
  Config c;
  c.source = "fitted.yaml";
  c.model.params.law = LawKind::power;
  c.model.params.a = 0.25;
  c.model.params.d = 0.1;
  c.model.pools.push_back({"x", 1e6, -0.5, 1.0, std::nullopt});
  c.model.pools.push_back({"y, the \"other\"", 1e6, -1.0, 1.0, std::nullopt});
  return c;
}

const char* kHoldout =
    "pool,samples_seen,accuracy\n"
    "x,1.6M,0.5\n"
    "x,6.4M,0.6\n"
    "\"y, the \"\"other\"\"\",1.6M,0.7\n";

}  // namespace

TEST_CASE("per-row predictions and MAE, RMSE, max error by hand", "[validation]") {
  const Config c = power_config();
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  const ValidationReport r = check_predictions(c.model, o);
  CHECK(std::string(r.metric.name) == "accuracy");
  REQUIRE(r.rows.size() == 3);
  // Accuracy = 1 - error: predicted 0.4, 0.65, 0.65; observed 0.5, 0.6, 0.7.
  CHECK(rel_diff(r.rows[0].predicted, 0.4) < kHandRelTol);
  CHECK(rel_diff(r.rows[1].predicted, 0.65) < kHandRelTol);
  CHECK(rel_diff(r.rows[2].predicted, 0.65) < kHandRelTol);
  CHECK(r.rows[0].observed == 0.5);
  CHECK(r.rows[2].pool == "y, the \"other\"");
  CHECK(r.rows[2].line == 4);
  // |residuals| 0.1, 0.05, 0.05.
  CHECK(rel_diff(r.mae, 0.2 / 3) < 1e-9);
  CHECK(rel_diff(r.rmse, std::sqrt((0.01 + 0.0025 + 0.0025) / 3)) < 1e-9);
  CHECK(rel_diff(r.max_abs, 0.1) < 1e-9);
  CHECK(r.passed());
}

TEST_CASE("the --max-mae gate", "[validation]") {
  const Config c = power_config();
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  ValidationOptions opt;
  opt.max_mae = 0.07;
  CHECK(check_predictions(c.model, o, opt).passed());
  opt.max_mae = 0.06;
  CHECK_FALSE(check_predictions(c.model, o, opt).passed());
  opt.max_mae = -1;
  CHECK_THROWS_WITH(check_predictions(c.model, o, opt), "--max-mae must be a finite number >= 0, got -1");
  opt.max_mae = std::nan("");
  CHECK_THROWS_AS(validate(opt), InputError);
}

TEST_CASE("decision metrics of a small table, by hand", "[validation]") {
  // Predicted errors A .30, B .25, C .40, D .35; observed A .28, B .29, C .41, D .33.
  // Ranks predicted B1 A2 D3 C4, observed A1 B2 D3 C4: sum d^2 = 2, rho = 1 - 6*2/(4*15) = 0.8.
  // Pairs: AB ordered wrongly, AC AD BC BD CD rightly: 5/6. The law picks B (observed .29), the
  // best observed is A (.28): regret 0.01.
  const BudgetDecisions d = score_decisions(1e6, {{"A", 0.30, 0.28}, {"B", 0.25, 0.29}, {"C", 0.40, 0.41}, {"D", 0.35, 0.33}});
  CHECK(d.strategies == 4);
  REQUIRE(d.spearman);
  CHECK(*d.spearman == Approx(0.8).epsilon(kHandRelTol));
  CHECK(d.pairs == 6);
  CHECK(d.correct_pairs == 5);
  CHECK(*d.decision_accuracy == Approx(5.0 / 6.0).epsilon(kHandRelTol));
  CHECK(d.chosen == "B");
  CHECK(d.best == "A");
  CHECK(d.regret == Approx(0.01).epsilon(1e-9));

  // A predicted tie counts 1/2; constant predictions have no rank correlation; observed ties are no pair.
  const BudgetDecisions tie = score_decisions(2e6, {{"A", 0.5, 0.40}, {"B", 0.5, 0.45}, {"C", 0.6, 0.45}});
  CHECK(tie.pairs == 2);            // AB, AC (BC observed equal)
  CHECK(tie.correct_pairs == 1.5);  // AB tie 1/2, AC right
  REQUIRE(tie.spearman);
  // Ranks predicted A1.5 B1.5 C3, observed A1 B2.5 C2.5: Pearson of the ranks = 0.5.
  CHECK(*tie.spearman == Approx(0.5).epsilon(kHandRelTol));
  CHECK(tie.chosen == "A");
  CHECK(tie.regret == 0);
  const BudgetDecisions flat = score_decisions(2e6, {{"A", 0.5, 0.4}, {"B", 0.5, 0.45}});
  CHECK_FALSE(flat.spearman);
  CHECK_THROWS_AS(score_decisions(1e6, {{"A", 0.5, 0.4}}), InternalError);
}

TEST_CASE("validation scores the law's decisions per budget; the decision gate", "[validation]") {
  const Config c = power_config();
  // 1.6M: predicted errors x 0.6, y 0.35; observed accuracy x 0.5, y 0.7 (errors 0.5, 0.3): the law
  // orders the pair rightly and picks y, the best: accuracy 1, regret 0. 6.4M: one strategy, not scored.
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  ValidationOptions opt;
  opt.min_decision_accuracy = 1.0;
  const ValidationReport r = check_predictions(c.model, o, opt);
  REQUIRE(r.decisions.size() == 1);
  CHECK(r.decisions[0].budget_samples == 1.6e6);
  CHECK(r.decisions[0].strategies == 2);
  CHECK(*r.decisions[0].spearman == Approx(1.0));
  CHECK(r.decisions[0].chosen == "y, the \"other\"");
  CHECK(r.decisions[0].regret == 0);
  CHECK(*r.decision_accuracy == 1.0);
  CHECK(*r.mean_regret == 0.0);
  CHECK(r.passed());
  // Observed the other way round (x accuracy 0.8 > y 0.7): the pair is wrong, regret 0.1, the gate fails.
  const Observations wrong =
      parse_observations("pool,samples_seen,accuracy\nx,1.6M,0.8\n\"y, the \"\"other\"\"\",1.6M,0.7\n", "w.csv", c.model);
  opt.min_decision_accuracy = 0.5;
  const ValidationReport w = check_predictions(c.model, wrong, opt);
  CHECK(*w.decision_accuracy == 0.0);
  CHECK(w.decisions[0].regret == Approx(0.1).epsilon(1e-9));
  CHECK(w.mae_passed());
  CHECK_FALSE(w.decisions_passed());
  CHECK_FALSE(w.passed());
  // Nothing to compare: the gate cannot be evaluated.
  const Observations single = parse_observations("pool,samples_seen,accuracy\nx,1.6M,0.8\n", "one.csv", c.model);
  CHECK_THROWS_WITH(check_predictions(c.model, single, opt),
                    "--min-decision-accuracy: one.csv has no budget with two held-out strategies of different observed error to compare");
  opt.min_decision_accuracy = 1.5;
  CHECK_THROWS_WITH(validate(opt), "--min-decision-accuracy must be in [0, 1] (a share of pairs), got 1.5");
}

TEST_CASE("cross-validation leaves out each budget in turn; a hand-checked fold", "[validation]") {
  // Power law with a = 0.25 and d = 0.1 held, b of x (-0.5) and y (-1) fitted. Rows at 1.6M, 6.4M,
  // 25.6M for both pools, exact except x at 25.6M, which is 0.01 above the law (0.225 -> 0.235).
  // Leaving out 25.6M, the four exact rows give back b exactly, so the held-out residuals are 0.01
  // (x) and 0 (y): MAE 0.005; the law orders y before x, as observed.
  Config c = power_config();
  c.model.pools[1].name = "y";
  Model start = c.model;
  for (auto& p : start.pools) p.b = std::nan("");
  const Observations o = parse_observations(
      "pool,samples_seen,error\nx,1.6M,0.6\ny,1.6M,0.35\nx,6.4M,0.35\ny,6.4M,0.1625\nx,25.6M,0.235\ny,25.6M,0.115625\n", "runs.csv", start);
  FitOptions f;
  f.fixed = {{"a", 0.25}, {"d", 0.1}};
  const CrossValidation cv = cross_validate(start, o, f, FoldBy::budget);
  REQUIRE(cv.folds.size() == 3);
  CHECK(cv.folds_fitted == 3);
  CHECK(cv.folds[2].held_out == "25.6M");
  CHECK(cv.folds[2].train_rows == 4);
  CHECK(cv.folds[2].held_rows == 2);
  CHECK(cv.folds[2].mae == Approx(0.005).epsilon(1e-6));
  CHECK(*cv.folds[2].decision_accuracy == 1.0);
  CHECK(cv.folds[2].pairs == 1);
  CHECK(*cv.folds[2].mean_regret == 0.0);
  // The other folds fit the perturbed row: their held-out rows are off, but by less than 0.01.
  CHECK(cv.folds[0].mae > 0);
  CHECK(cv.folds[0].mae < 0.01);
  CHECK(cv.mae == Approx((2 * cv.folds[0].mae + 2 * cv.folds[1].mae + 2 * cv.folds[2].mae) / 6).epsilon(1e-12));
  CHECK(*cv.decision_accuracy == 1.0);

  // By group: leaving out a pool's only runs leaves its b without data and without a value.
  const CrossValidation groups = cross_validate(start, o, f, FoldBy::group);
  REQUIRE(groups.folds.size() == 2);
  CHECK(groups.folds_fitted == 0);
  CHECK(groups.folds[0].held_out == "x");
  CHECK(groups.folds[0].skipped.find("pool 'x' has no runs") != std::string::npos);
  CHECK_FALSE(groups.decision_accuracy);

  const Observations one = parse_observations("pool,samples_seen,error\nx,1.6M,0.6\ny,1.6M,0.35\n", "one.csv", start);
  CHECK_THROWS_WITH(cross_validate(start, one, f, FoldBy::budget),
                    "one.csv: --cross-validate needs at least two budgets to leave out in turn, found 1");
  CHECK(parse_fold_by("group", "--cross-validate") == FoldBy::group);
  CHECK_THROWS_WITH(parse_fold_by("run", "--cross-validate"),
                    "--cross-validate: 'run' is not a fold; use budget (leave out each samples_seen value) or group (each pool label)");
}

TEST_CASE("runs at nearly the same budget are one budget for the decisions", "[validation]") {
  // Within 10% of the group's smallest value: 1M and 1.05M together, 1.2M starts a new group.
  CHECK(budget_groups({1.2e6, 1e6, 2e6, 1.05e6}, 0.1) == std::vector<double>{1.2e6, 1e6, 2e6, 1e6});
  CHECK(budget_groups({1e6, 1.05e6}, 0.0) == std::vector<double>{1e6, 1.05e6});
  // Published runs at a nominal budget: x at 1.6M, y at 1.65M are compared (predicted 0.6 vs
  // 0.35-ish, observed errors 0.5 and 0.3: ordered rightly).
  const Config c = power_config();
  const Observations o =
      parse_observations("pool,samples_seen,accuracy\nx,1.6M,0.5\n\"y, the \"\"other\"\"\",1.65M,0.7\n", "near.csv", c.model);
  const ValidationReport r = check_predictions(c.model, o);
  REQUIRE(r.decisions.size() == 1);
  CHECK(r.decisions[0].budget_samples == 1.6e6);
  CHECK(*r.decision_accuracy == 1.0);
  ValidationOptions exact;
  exact.budget_rel_tol = 0.0;
  CHECK(check_predictions(c.model, o, exact).decisions.empty());
}
