// plan.cpp <-> plan_test.cpp: the reference planner's table, Pareto marks and crossovers.
#include "qqt/plan.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {
Candidate candidate(double unique, double error) {
  auto info = std::make_shared<StrategyInfo>();
  info->unique_samples = unique;
  Candidate c;
  c.info = info;
  c.error = error;
  return c;
}
}  // namespace

TEST_CASE("the default config reproduces the reference planner (estimate_best_pool.py)", "[plan]") {
  // Accuracy % printed by the reference code for top 10/20/30/40% (issue "qqt plan", point 3).
  const Config c = default_config();
  PlanOptions o;
  o.budgets_samples = {32e6, 640e6};
  const PlanResult r = plan(c.model, topk_strategies(c.model), o);
  REQUIRE(r.budgets.size() == 2);
  const double at_32m[] = {18.25, 15.84, 13.42, 11.68};
  const double at_640m[] = {31.18, 38.55, 37.56, 35.14};
  for (int k = 0; k < 4; ++k) {
    INFO("top-" << k + 1);
    CHECK(std::abs(100 * r.budgets[0].candidates[k].accuracy - at_32m[k]) <= qqt::test::kTableAbsTol);
    CHECK(std::abs(100 * r.budgets[1].candidates[k].accuracy - at_640m[k]) <= qqt::test::kTableAbsTol);
  }
  CHECK(r.budgets[0].best_candidate().strategy() == "top-1");
  CHECK(r.budgets[0].best_candidate().label() == "top 10%");
  CHECK(r.budgets[1].best_candidate().strategy() == "top-2");
  CHECK(r.budgets[1].best_candidate().label() == "top 20%");
  // Runner-up at 640M is top-3 (37.56% vs 38.55%).
  REQUIRE(r.budgets[1].runner_up);
  CHECK(*r.budgets[1].runner_up == 2);
  CHECK(std::abs(100 * r.budgets[1].margin - (38.55 - 37.56)) <= 2 * qqt::test::kTableAbsTol);
  // Passes and unique samples: top-2 keeps 25.6M, 640M samples are 25 passes.
  CHECK(r.budgets[1].candidates[1].unique_samples() == 25.6e6);
  CHECK(rel_diff(r.budgets[1].candidates[1].passes, 25.0) <= 1e-15);
  CHECK(r.budgets[1].candidates[1].info->weights == std::vector<double>{0.5, 0.5, 0, 0});
  CHECK(r.budgets[1].candidates[1].info->pools == std::vector<std::string>{"top 0-10%", "top 10-20%"});
}

TEST_CASE("Pareto marks: minimal in (unique samples, error)", "[plan]") {
  // Hand-made candidates: unique 1, 2, 3, 4 with errors 0.5, 0.4, 0.45, 0.3.
  std::vector<Candidate> c{candidate(1, 0.5), candidate(2, 0.4), candidate(3, 0.45), candidate(4, 0.3)};
  mark_pareto(c);
  CHECK(c[0].pareto);
  CHECK(c[1].pareto);
  CHECK_FALSE(c[2].pareto);  // top-2 keeps less and has a lower error
  CHECK(c[3].pareto);
  // Equal errors: the smaller pool dominates.
  std::vector<Candidate> t{candidate(1, 0.2), candidate(2, 0.2)};
  mark_pareto(t);
  CHECK(t[0].pareto);
  CHECK_FALSE(t[1].pareto);
}

TEST_CASE("crossovers are where two curves are equal, to 1e-6 relative", "[plan]") {
  const Config c = default_config();
  PlanOptions o;
  o.budgets_samples = {1e6, 1e11};
  const auto strategies = topk_strategies(c.model);
  const PlanResult r = plan(c.model, strategies, o);
  REQUIRE_FALSE(r.crossovers.empty());
  for (const auto& x : r.crossovers) {
    INFO(x.from << " -> " << x.to << " at " << x.budget_samples);
    const auto index = [&](const std::string& id) { return std::stoi(id.substr(4)) - 1; };
    Mixture from(c.model, strategies[index(x.from)].strategy);
    Mixture to(c.model, strategies[index(x.to)].strategy);
    // Below the crossover `from` is better, above it `to` is, by a budget step of 1e-6 relative.
    CHECK(from.error(x.budget_samples * (1 - 1e-6)) < to.error(x.budget_samples * (1 - 1e-6)));
    CHECK(to.error(x.budget_samples * (1 + 1e-6)) < from.error(x.budget_samples * (1 + 1e-6)));
  }
  // Independent brute force: the best level on a fine grid changes exactly as often, in order.
  std::vector<std::string> changes;
  std::string previous;
  for (double n = 1e6; n <= 1e11; n *= 1.001) {
    double best = 1e300;
    std::string id;
    for (const auto& s : strategies) {
      const double e = predict_error(c.model, s.strategy, n);
      if (e < best) {
        best = e;
        id = s.id;
      }
    }
    if (!previous.empty() && id != previous) changes.push_back(previous + ">" + id);
    previous = id;
  }
  REQUIRE(changes.size() == r.crossovers.size());
  for (std::size_t i = 0; i < changes.size(); ++i) CHECK(changes[i] == r.crossovers[i].from + ">" + r.crossovers[i].to);
  // Only inside the requested span.
  o.budgets_samples = {32e6, 33e6};
  CHECK(plan(c.model, strategies, o).crossovers.empty());
}

TEST_CASE("budgets below the law's range are flagged", "[plan]") {
  // Default: a = 0.025, N0 = 1e5, so a n / N0 < 1 below 4M samples and every error exceeds 1 + d.
  const Config c = default_config();
  PlanOptions o;
  o.budgets_samples = {1e6, 640e6};
  const PlanResult r = plan(c.model, topk_strategies(c.model), o);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].rfind("budget 1M: every strategy predicts an error of 1 or more", 0) == 0);
  CHECK(r.warnings[0].find("N0/a = 4M samples") != std::string::npos);
  // A sweep gets one warning naming how many budgets and their range.
  o.budgets_samples = {1e6, 2e6, 3e6, 640e6};
  const PlanResult sweep = plan(c.model, topk_strategies(c.model), o);
  REQUIRE(sweep.warnings.size() == 1);
  CHECK(sweep.warnings[0].rfind("3 budgets from 1M to 3M: every strategy predicts an error of 1 or more", 0) == 0);
}

TEST_CASE("labels come from shares, else pool names", "[plan]") {
  Model m;
  m.params.a = 0.025;
  m.pools = {{"best", 1e6, -0.2, 2, std::nullopt}, {"rest", 1e6, -0.1, 2, std::nullopt}};
  const auto s = topk_strategies(m);
  CHECK(s[0].label == "best");
  CHECK(s[1].label == "best + rest");
  m.pools[0].share = 0.05;
  m.pools[1].share = 0.15;
  CHECK(topk_strategies(m)[1].label == "top 20%");
}

TEST_CASE("plan options are validated", "[plan][errors]") {
  PlanOptions o;
  CHECK_THROWS_WITH(validate(o), Catch::Contains("no budget given"));
  o.budgets_samples = {1e6};
  o.crossover_grid_per_decade = 2;
  CHECK_THROWS_WITH(validate(o), Catch::Contains("crossover_grid_per_decade must be in [4, 10000], got 2"));
}
