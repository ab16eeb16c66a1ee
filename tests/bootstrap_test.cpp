// bootstrap.cpp <-> bootstrap_test.cpp: percentile intervals, their coverage on noisy synthetic
// runs, determinism, and the best-level frequencies that `plan` reports.
#include "qqt/bootstrap.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/output.hpp"
#include "synthetic.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;
using qqt::test::runs_per_pool;
using qqt::test::without_parameters;

namespace {

/// Noise-free runs: every refit lands on the full fit (the truth) to this relative precision.
constexpr double kNoiseFreeRelTol = 1e-6;

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
}

TEST_CASE("noise-free runs: every refit is the truth, intervals are points on it", "[bootstrap]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, {2, 4, 6, 8, 10});
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  BootstrapOptions b;
  b.resamples = 20;
  int calls = 0;
  b.progress = [&calls](int done, int total) {
    ++calls;
    CHECK(done == calls);
    CHECK(total == 20);
  };
  const BootstrapRecord boot = bootstrap(r, runs, FitOptions{}, b);
  CHECK(calls == 20);
  REQUIRE(boot.sets.size() == 20);
  CHECK(boot.level == 0.9);
  for (const auto& s : boot.sets) {
    CHECK(rel_diff(s.a, truth.params.a) < kNoiseFreeRelTol);
    CHECK(rel_diff(s.tau[2], truth.pools[2].tau_passes) < kNoiseFreeRelTol);
  }
  CHECK(rel_diff(boot.a.lo, truth.params.a) < kNoiseFreeRelTol);
  CHECK(rel_diff(boot.a.hi, truth.params.a) < kNoiseFreeRelTol);
  CHECK(rel_diff(boot.b[3].lo, truth.pools[3].b) < kNoiseFreeRelTol);
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
    const BootstrapRecord boot = bootstrap(r, runs, FitOptions{}, b);
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

TEST_CASE("the same seed gives the same sets, another seed other sets", "[bootstrap]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, {0.5, 1, 2, 4, 8}, 0.01, 5);
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  BootstrapOptions b;
  b.resamples = 8;
  const BootstrapRecord x = bootstrap(r, runs, FitOptions{}, b);
  const BootstrapRecord y = bootstrap(r, runs, FitOptions{}, b);
  b.seed = 2;
  const BootstrapRecord z = bootstrap(r, runs, FitOptions{}, b);
  for (std::size_t i = 0; i < 8; ++i) {
    CHECK(x.sets[i].a == y.sets[i].a);
    CHECK(x.sets[i].tau == y.sets[i].tau);
  }
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
  const BootstrapRecord boot = bootstrap(r, runs, o, b);
  for (const auto& s : boot.sets) CHECK(s.d == 0.1);
  CHECK(boot.d.lo == 0.1);
  CHECK(boot.d.hi == 0.1);
}

TEST_CASE("best-level frequencies count each set's best level at each budget", "[bootstrap]") {
  // Expected values come from the planner itself (plan.cpp), run once per set.
  const Model model = default_config().model;
  BootstrapRecord record;
  ParameterSet base = parameters_of(model);
  record.sets = {base, base, base};
  ParameterSet flat = base;  // pools 2-4 nearly useless
  for (std::size_t i = 1; i < 4; ++i) flat.b[i] = -0.001;
  record.sets.push_back(flat);
  const auto strategies = topk_strategies(model);
  const std::vector<double> budgets = {32e6, 640e6, 5e9};
  const auto f = best_frequency(model, record, strategies, budgets);
  REQUIRE(f.size() == 3);
  PlanOptions po;
  po.budgets_samples = budgets;
  std::vector<std::vector<double>> want(3, std::vector<double>(4, 0.0));
  for (const auto& s : record.sets) {
    const PlanResult p = plan(with_parameters(model, s), strategies, po);
    for (std::size_t b = 0; b < 3; ++b) want[b][p.budgets[b].best] += 0.25;
  }
  for (std::size_t b = 0; b < 3; ++b) {
    CHECK(f[b].budget_samples == budgets[b]);
    CHECK(f[b].fits == 4);
    CHECK(f[b].strategies == std::vector<std::string>{"top-1", "top-2", "top-3", "top-4"});
    CHECK(f[b].frequency == want[b]);
  }
  // 640M: the default config's best is top-2 (the reference table); the flat set prefers top-1.
  CHECK(f[1].frequency[1] >= 0.75);

  CHECK(best_frequency_json(f[0]).rfind("\"bootstrap\":{\"fits\":4,\"best_frequency\":{\"top-1\":", 0) == 0);
  const std::string table = render_best_frequency_table(f);
  CHECK(table.find("best level across 4 bootstrap fits") != std::string::npos);
  CHECK(table.find("budget  top-1") != std::string::npos);
  CHECK(table.find("640M") != std::string::npos);
}

TEST_CASE("plan JSON and tables carry the frequencies additively", "[bootstrap][output]") {
  const Config c = default_config();
  BootstrapRecord record;
  record.sets = {parameters_of(c.model)};
  PlanOptions po;
  po.budgets_samples = {32e6, 640e6};
  const auto strategies = topk_strategies(c.model);
  const PlanResult p = plan(c.model, strategies, po);
  const auto f = best_frequency(c.model, record, strategies, po.budgets_samples);
  PlanExtras extras;
  for (const auto& x : f) extras.budget_json.push_back(best_frequency_json(x));
  extras.table = render_best_frequency_table(f);
  const std::string json = render_plan(c, p, Format::json, {}, extras);
  CHECK(json.find("\"bootstrap\":{\"fits\":1,\"best_frequency\":{\"top-1\":1,\"top-2\":0,\"top-3\":0,\"top-4\":0}}}") != std::string::npos);
  CHECK(json.find("\"bootstrap\":{\"fits\":1,\"best_frequency\":{\"top-1\":0,\"top-2\":1,\"top-3\":0,\"top-4\":0}}}") != std::string::npos);
  // Without extras the output is what it always was.
  CHECK(render_plan(c, p, Format::json).find("bootstrap") == std::string::npos);
  CHECK(render_plan(c, p, Format::table, {}, extras) == render_plan(c, p, Format::table) + extras.table);
  extras.budget_json.pop_back();
  CHECK_THROWS_AS(render_plan(c, p, Format::json, {}, extras), InternalError);
}
