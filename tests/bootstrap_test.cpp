// bootstrap.cpp <-> bootstrap_test.cpp: percentile intervals, their coverage on noisy synthetic
// runs, determinism for any thread count, the refusal to bootstrap an interpolating fit, and the
// decision uncertainty that `plan` reports (checked by brute force over the sets, and against the
// known answer as the noise of synthetic runs goes to 0).
#include "qqt/bootstrap.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/output.hpp"
#include "qqt/plan.hpp"
#include "synthetic.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;
using qqt::test::runs_per_pool;
using qqt::test::without_parameters;

namespace {

bool covers(const Interval& i, double x) { return i.lo <= x && x <= i.hi; }

}  // namespace

TEST_CASE("quantiles interpolate between order statistics (type 7)", "[bootstrap]") {
  // Hand values: positions h = q (n - 1) on the sorted sample 1, 2, 3, 4.
  CHECK(quantile({4, 1, 3, 2}, 0.5) == 2.5);
  CHECK(quantile({4, 1, 3, 2}, 0.05) == Approx(1.15).epsilon(1e-15));
  CHECK(quantile({4, 1, 3, 2}, 0.95) == Approx(3.85).epsilon(1e-15));
  CHECK(quantile({4, 1, 3, 2}, 0.0) == 1);
  CHECK(quantile({4, 1, 3, 2}, 1.0) == 4);
  CHECK(quantile({7}, 0.3) == 7);
  CHECK_THROWS_AS(quantile({}, 0.5), InternalError);
}

TEST_CASE("bootstrap options are validated", "[bootstrap][errors]") {
  BootstrapOptions o;
  o.resamples = 0;
  CHECK_THROWS_WITH(validate(o), "bootstrap: resamples must be in [1, 100000], got 0");
  o.resamples = 10;
  o.level = 1.0;
  CHECK_THROWS_WITH(validate(o), "bootstrap: level must be in [0.5, 0.999], got 1");
  o.level = 0.9;
  o.threads = 0;
  CHECK_THROWS_WITH(validate(o), "bootstrap: threads must be in [1, 256], got 0");
}

TEST_CASE("an interpolating fit: the bootstrap says nothing instead of zero-width intervals", "[bootstrap]") {
  // Noise-free runs: the law fits them to rounding level, so every resample would refit to the same
  // parameters and the intervals would have zero width.
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, {2, 4, 6, 8, 10});
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  REQUIRE(r.summary.rmse < 1e-9);
  BootstrapOptions b;
  b.resamples = 20;
  int calls = 0;
  b.progress = [&calls](int, int) { ++calls; };
  const BootstrapResult boot = bootstrap(r, runs, FitOptions{}, b);
  CHECK_FALSE(boot.record);
  CHECK(calls == 0);
  CHECK(boot.uninformative.find("the bootstrap says nothing here: the residuals are at rounding level") == 0);
}

TEST_CASE("with 1% noise the 90% intervals cover the truth", "[bootstrap]") {
  // Fixed seeds: 6 noisy data sets (10 runs per pool, 0.125 to 10 passes, error x (1 + 0.01 N(0,1))),
  // 100 resamples each. Nominal coverage is 90% per parameter; 60 intervals are checked. We require
  // >= 80% overall (binomial: 54 of 60 expected, sd 2.3) and every parameter covered in at least
  // half of the data sets. docs/fit.md reports the coverage over many more data sets.
  const Model truth = default_config().model;
  int covered = 0, checked = 0;
  std::vector<int> per_parameter(10, 0);
  const int datasets = 6;
  for (int k = 0; k < datasets; ++k) {
    const Observations runs = runs_per_pool(truth, {0.125, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 10}, 0.01, 1000 + k);
    const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
    BootstrapOptions b;
    b.resamples = 100;
    b.seed = 1;
    const BootstrapRecord boot = bootstrap(r, runs, FitOptions{}, b).record.value();
    std::vector<bool> hit = {covers(boot.a, truth.params.a), covers(boot.d, truth.params.d)};
    for (std::size_t i = 0; i < 4; ++i) {
      hit.push_back(covers(boot.b[i], truth.pools[i].b));
      hit.push_back(covers(boot.tau[i], truth.pools[i].tau_passes));
    }
    for (std::size_t p = 0; p < hit.size(); ++p) {
      covered += hit[p];
      per_parameter[p] += hit[p];
      ++checked;
    }
  }
  INFO("covered " << covered << " of " << checked);
  CHECK(covered >= 0.8 * checked);
  for (int c : per_parameter) CHECK(c * 2 >= datasets);
}

TEST_CASE("the same seed gives the same sets for any thread count, another seed other sets", "[bootstrap]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, {0.5, 1, 2, 4, 8}, 0.01, 5);
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  BootstrapOptions b;
  b.resamples = 8;
  int calls = 0;
  b.progress = [&calls](int done, int total) {
    ++calls;
    CHECK(done == calls);
    CHECK(total == 8);
  };
  const BootstrapRecord x = bootstrap(r, runs, FitOptions{}, b).record.value();
  CHECK(calls == 8);
  b.progress = nullptr;
  b.threads = 3;
  const BootstrapRecord y = bootstrap(r, runs, FitOptions{}, b).record.value();
  b.threads = 1;
  b.seed = 2;
  const BootstrapRecord z = bootstrap(r, runs, FitOptions{}, b).record.value();
  REQUIRE(x.sets.size() == 8);
  REQUIRE(y.sets.size() == 8);
  for (std::size_t i = 0; i < 8; ++i) {
    CHECK(x.sets[i].a == y.sets[i].a);
    CHECK(x.sets[i].d == y.sets[i].d);
    CHECK(x.sets[i].b == y.sets[i].b);
    CHECK(x.sets[i].tau == y.sets[i].tau);
  }
  CHECK(x.at_bound == y.at_bound);
  CHECK(x.sets[0].a != z.sets[0].a);
}

TEST_CASE("held parameters keep their value in every bootstrap set", "[bootstrap]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, {0.5, 1, 2, 4, 8}, 0.01, 5);
  FitOptions o;
  o.fixed = {{"d", 0.1}};
  const FitResult r = fit(without_parameters(truth), runs, o);
  BootstrapOptions b;
  b.resamples = 5;
  const BootstrapRecord boot = bootstrap(r, runs, o, b).record.value();
  for (const auto& s : boot.sets) CHECK(s.d == 0.1);
  CHECK(boot.d.lo == 0.1);
  CHECK(boot.d.hi == 0.1);
}

namespace {

/// A plan of the top-k levels of `model` at `budgets`.
PlanResult topk_plan(const Model& model, const std::vector<double>& budgets) {
  PlanOptions po;
  po.budgets_samples = budgets;
  return plan(model, topk_strategies(model), po);
}

}  // namespace

TEST_CASE("decision uncertainty over hand-made sets, checked by brute force", "[bootstrap]") {
  const Model model = default_config().model;
  BootstrapRecord record;
  const ParameterSet base = parameters_of(model);
  ParameterSet flat = base;  // pools 2-4 nearly useless: top-1 wins everywhere
  for (std::size_t i = 1; i < 4; ++i) flat.b[i] = -0.001;
  record.sets = {base, base, base, flat};
  const std::vector<double> budgets = {32e6, 640e6, 5e9};
  const PlanResult p = topk_plan(model, budgets);
  const auto d = decision_uncertainty(model, p, record, 2);
  REQUIRE(d.size() == 3);
  const auto strategies = topk_strategies(model);
  for (std::size_t b = 0; b < 3; ++b) {
    INFO("budget " << budgets[b]);
    CHECK(d[b].budget_samples == budgets[b]);
    CHECK(d[b].fits == 4);
    REQUIRE(d[b].compared.size() == 4);
    CHECK(d[b].compared[d[b].recommended].info->id == p.budgets[b].best_candidate().strategy());
    // Brute force: each set's error of each level (predict_error), its best, regret, quantiles.
    std::vector<std::vector<double>> err(4, std::vector<double>(4));
    for (std::size_t s = 0; s < 4; ++s) {
      for (std::size_t k = 0; k < 4; ++k)
        err[k][s] = predict_error(with_parameters(model, record.sets[s]), strategies[k].strategy, budgets[b]);
    }
    std::vector<double> wins(4, 0.0);
    std::vector<std::vector<double>> regret(4, std::vector<double>(4));
    for (std::size_t s = 0; s < 4; ++s) {
      std::size_t best = 0;
      for (std::size_t k = 1; k < 4; ++k) {
        if (err[k][s] < err[best][s]) best = k;
      }
      wins[best] += 0.25;
      for (std::size_t k = 0; k < 4; ++k) regret[k][s] = err[k][s] - err[best][s];
    }
    for (std::size_t k = 0; k < 4; ++k) {
      const StrategyUncertainty& u = d[b].compared[k];
      CHECK(u.info->id == strategies[k].id);
      CHECK(u.family == "topk");
      CHECK(u.p_best == wins[k]);
      CHECK(u.regret_mean == Approx((regret[k][0] + regret[k][1] + regret[k][2] + regret[k][3]) / 4).epsilon(1e-12));
      CHECK(u.error_interval.lo == quantile(err[k], 0.05));
      CHECK(u.error_interval.hi == quantile(err[k], 0.95));
      CHECK(u.accuracy_interval.lo == 1.0 - u.error_interval.hi);
      CHECK(u.regret.hi == quantile(regret[k], 0.95));
      CHECK(u.near_optimal == (wins[k] >= 0.05 || quantile(regret[k], 0.05) <= 0));
    }
  }
  // 640M: three sets prefer top-2 (the reference table's best), the flat one top-1: both are
  // near-optimal and the choice is not settled.
  CHECK(d[1].compared[1].p_best == 0.75);
  CHECK(d[1].compared[0].p_best == 0.25);
  CHECK(d[1].near_optimal == std::vector<std::size_t>{0, 1});
  CHECK_FALSE(d[1].settled());
  // The same figures with one thread.
  const auto one = decision_uncertainty(model, p, record, 1);
  for (std::size_t b = 0; b < 3; ++b) {
    for (std::size_t k = 0; k < 4; ++k) CHECK(one[b].compared[k].regret_mean == d[b].compared[k].regret_mean);
  }
}

TEST_CASE("decision uncertainty converges to the known answer as noise goes to 0, spreads as it grows", "[bootstrap]") {
  // Synthetic runs from the default config's parameters (the truth), error x (1 + sigma N(0,1)).
  // The truth's best top-k level at 640M is top-2 (by brute force below); with sigma -> 0 every
  // bootstrap set agrees: P(best) -> 1 and the regret -> 0; with more noise the intervals widen.
  const Model truth = default_config().model;
  const double budget = 640e6;
  const auto strategies = topk_strategies(truth);
  std::size_t known = 0;
  for (std::size_t k = 1; k < strategies.size(); ++k) {
    if (predict_error(truth, strategies[k].strategy, budget) < predict_error(truth, strategies[known].strategy, budget)) known = k;
  }
  REQUIRE(strategies[known].id == "top-2");
  std::vector<double> width, regret, p_known;
  for (const double sigma : {1e-5, 1e-3, 3e-2}) {
    const Observations runs = runs_per_pool(truth, {0.25, 0.5, 1, 2, 4, 8}, sigma, 11);
    const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
    BootstrapOptions b;
    b.resamples = 40;
    b.threads = 2;
    const BootstrapRecord boot = bootstrap(r, runs, FitOptions{}, b).record.value();
    const auto d = decision_uncertainty(r.model, topk_plan(r.model, {budget}), boot, 2);
    const DecisionUncertainty& u = d.at(0);
    width.push_back(u.compared[known].error_interval.hi - u.compared[known].error_interval.lo);
    regret.push_back(u.compared[u.recommended].regret.hi);
    p_known.push_back(u.compared[known].p_best);
    if (sigma == 1e-5) {
      CHECK(u.compared[u.recommended].info->id == "top-2");
      CHECK(u.compared[known].p_best == 1.0);
      CHECK(u.compared[u.recommended].regret_mean == 0.0);
      CHECK(u.settled());
    }
  }
  INFO("interval widths " << width[0] << " " << width[1] << " " << width[2] << "; P(best top-2) " << p_known[0] << " " << p_known[1] << " "
                          << p_known[2]);
  CHECK(width[0] < 1e-4);
  CHECK(width[0] < width[1]);
  CHECK(width[1] < width[2]);
  CHECK(p_known[2] < 1.0);
  CHECK(regret[2] > regret[0]);
}

TEST_CASE("prediction intervals are the quantiles of each set's prediction", "[bootstrap]") {
  const Model model = default_config().model;
  BootstrapRecord record;
  ParameterSet s = parameters_of(model);
  for (int i = 0; i < 5; ++i) {
    s.a *= 1.1;
    record.sets.push_back(s);
  }
  Strategy top2;
  top2.fractions = {1, 1, 0, 0};
  const auto intervals = prediction_intervals(model, top2, record, {64e6, 1e9});
  REQUIRE(intervals.size() == 2);
  std::vector<double> e;
  for (const auto& set : record.sets) e.push_back(predict_error(with_parameters(model, set), top2, 1e9));
  CHECK(intervals[1].lo == quantile(e, 0.05));
  CHECK(intervals[1].hi == quantile(e, 0.95));
  CHECK(intervals[0].lo < intervals[0].hi);
}
