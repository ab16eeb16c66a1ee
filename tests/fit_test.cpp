// fit.cpp <-> fit_test.cpp: the fit recovers known parameters from synthetic runs, beats a random
// grid, honours held and shared parameters, reports what it did, and rejects bad options.
#include "qqt/fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "synthetic.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;
using qqt::test::runs_per_pool;
using qqt::test::without_parameters;

namespace {

/// The recovery target for noise-free runs.
constexpr double kRecoveryRelTol = 1e-6;
/// Hand-computed objectives: exact up to a few roundings.
constexpr double kHandRelTol = 1e-12;
/// Passes per pool of the synthetic runs.
const std::vector<double> kPasses = {2, 4, 6, 8, 10};

// Largest relative difference of a, d, b and tau between two models.
double worst_rel(const Model& got, const Model& want) {
  double w = std::max(rel_diff(got.params.a, want.params.a), rel_diff(got.params.d, want.params.d));
  for (std::size_t i = 0; i < want.pools.size(); ++i) {
    w = std::max({w, rel_diff(got.pools[i].b, want.pools[i].b), rel_diff(got.pools[i].tau_passes, want.pools[i].tau_passes)});
  }
  return w;
}

// Three pools of one source at different sizes (LAION-like), one b and one tau scaled by size.
Model shared_truth() {
  Model m;
  m.params.law = LawKind::utility;
  m.params.irreducible = Irreducible::outside;
  m.params.a = 1e-3;
  m.params.d = 0.3;
  const double sizes[] = {80e6, 400e6, 2.32e9};
  for (int i = 0; i < 3; ++i) {
    Pool p;
    p.name = fmt::format("pool{}", i);
    p.size_samples = sizes[i];
    p.b = -1.0;
    p.tau_passes = 30.0 * sizes[i] / sizes[0];
    m.pools.push_back(p);
  }
  return m;
}

Observations rows_at(const Model& truth, const std::vector<double>& budgets) {
  Observations o;
  o.source = "synthetic";
  for (std::size_t i = 0; i < truth.pools.size(); ++i) {
    for (double n : budgets) {
      Observation row;
      row.pool = truth.pools[i].name;
      row.pools = {i};
      row.samples_seen = n;
      row.error = predict_error(truth, strategy_of(row, truth), n);
      o.rows.push_back(row);
    }
  }
  return o;
}

}  // namespace

TEST_CASE("noise-free runs of the default config at 2-10 passes recover a, d, b, tau to 1e-6", "[fit]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, kPasses);
  REQUIRE(runs.rows.size() == 20);
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  INFO("stopped: " << r.summary.stopped);
  CHECK(worst_rel(r.model, truth) < kRecoveryRelTol);
  CHECK(r.model.params.law == LawKind::utility);
  CHECK(r.model.params.irreducible == Irreducible::inside);
  // The summary says what happened.
  CHECK(r.summary.rows == 20);
  CHECK(r.summary.free.size() == 10);
  CHECK(r.summary.free[0] == "a");
  CHECK(r.summary.free[2] == "b[top 0-10%]");
  CHECK(r.summary.objective < 1e-20);
  CHECK(r.summary.objective_start > 1e-3);
  CHECK(r.summary.rmse < 1e-10);
  CHECK(r.summary.max_abs < 1e-10);
  CHECK(r.summary.evaluations > 0);
  CHECK(r.summary.local_runs >= 1);
  CHECK(r.summary.stopped.rfind("polish: ", 0) == 0);
  CHECK_FALSE(r.summary.budget_exhausted);
  CHECK(r.summary.at_bound.empty());
}

TEST_CASE("the effective-data and power laws are recovered too", "[fit]") {
  SECTION("effective-data (the shipped effective-data config)") {
    const Model truth = load_config_file(std::string(QQT_SOURCE_DIR) + "/configs/datacomp-medium-tmars-imagenet-effective-data.yaml").model;
    const FitResult r = fit(without_parameters(truth), runs_per_pool(truth, kPasses), FitOptions{});
    CHECK(r.model.params.law == LawKind::effective_data);
    CHECK(worst_rel(r.model, truth) < kRecoveryRelTol);
  }
  SECTION("power law: a, d and b; tau is not fitted and written as 1 where absent") {
    Model truth = default_config().model;
    truth.params.law = LawKind::power;
    truth.params.irreducible = Irreducible::outside;
    Observations runs = runs_per_pool(truth, {0.5, 1, 2, 4, 8});
    Model start = without_parameters(truth);
    start.params.law = LawKind::utility;  // --law power overrides the config's law
    FitOptions o;
    o.law = LawKind::power;
    const FitResult r = fit(start, runs, o);
    CHECK(r.model.params.law == LawKind::power);
    CHECK(rel_diff(r.model.params.a, truth.params.a) < kRecoveryRelTol);
    CHECK(rel_diff(r.model.params.d, truth.params.d) < kRecoveryRelTol);
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(rel_diff(r.model.pools[i].b, truth.pools[i].b) < kRecoveryRelTol);
      CHECK(r.model.pools[i].tau_passes == 1.0);
    }
    CHECK(r.summary.free.size() == 6);
  }
}

TEST_CASE("shared b and tau (--shared b,tau): one b, one tau scaled by pool size (App. G)", "[fit]") {
  const Model truth = shared_truth();
  const Observations runs = rows_at(truth, {1e9, 3e9, 13e9, 34e9});
  FitOptions o;
  o.shared_b = o.shared_tau = true;
  const FitResult r = fit(without_parameters(truth), runs, o);
  CHECK(r.summary.free == std::vector<std::string>{"a", "d", "b", "tau"});
  CHECK(worst_rel(r.model, truth) < kRecoveryRelTol);
  // tau_i = tau (S_i / S_1)^kappa, kappa = 1: 30, 150, 870 passes.
  CHECK(rel_diff(r.model.pools[1].tau_passes, 150.0) < kRecoveryRelTol);
  CHECK(rel_diff(r.model.pools[2].tau_passes, 870.0) < kRecoveryRelTol);
  CHECK(r.model.pools[0].b == r.model.pools[2].b);
}

TEST_CASE("runs on a union of pools (a+b) are fitted with the uniform mix", "[fit]") {
  const Model truth = default_config().model;
  Observations runs = runs_per_pool(truth, {2, 6, 10});
  for (const double n : {25.6e6, 128e6, 512e6}) {
    Observation row;
    row.pool = "top 0-10%+top 10-20%";
    row.pools = {0, 1};
    row.samples_seen = n;
    // The uniform mix of two equal pools: f = (1, 1, 0, 0), w = (1/2, 1/2, 0, 0).
    row.error = predict_error(truth, Strategy{{1, 1, 0, 0}, {0.5, 0.5, 0, 0}}, n);
    runs.rows.push_back(row);
  }
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  CHECK(worst_rel(r.model, truth) < kRecoveryRelTol);
}

TEST_CASE("held parameters (--fix) stay at a value or at the config's value", "[fit]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, kPasses);
  SECTION("a value") {
    FitOptions o;
    o.fixed = {{"d", 0.1}, {"a", 0.025}};
    const FitResult r = fit(without_parameters(truth), runs, o);
    CHECK(r.model.params.d == 0.1);
    CHECK(r.model.params.a == 0.025);
    CHECK(r.summary.free.size() == 8);
    CHECK(worst_rel(r.model, truth) < kRecoveryRelTol);
  }
  SECTION("the config's value") {
    Model start = without_parameters(truth);
    start.params.d = 0.1;
    FitOptions o;
    o.fixed = parse_fixed("d", "--fix");
    const FitResult r = fit(start, runs, o);
    CHECK(r.model.params.d == 0.1);
    CHECK(worst_rel(r.model, truth) < kRecoveryRelTol);
  }
  SECTION("every pool's tau held at the config's values") {
    Model start = without_parameters(truth);
    for (std::size_t i = 0; i < 4; ++i) start.pools[i].tau_passes = truth.pools[i].tau_passes;
    FitOptions o;
    o.fixed = {{"tau", std::nan("")}};
    const FitResult r = fit(start, runs, o);
    for (std::size_t i = 0; i < 4; ++i) CHECK(r.model.pools[i].tau_passes == truth.pools[i].tau_passes);
    CHECK(worst_rel(r.model, truth) < kRecoveryRelTol);
  }
  SECTION("no value to hold is an input error") {
    FitOptions o;
    o.fixed = {{"a", std::nan("")}};
    CHECK_THROWS_WITH(fit(without_parameters(truth), runs, o), "--fix a: a has no value in the config to hold; give one (--fix a=VALUE)");
  }
  SECTION("a single free parameter (shared b, the rest held)") {
    Model t = truth;
    for (auto& p : t.pools) p.b = -0.12;
    FitOptions o;
    o.shared_b = true;
    o.fixed = {{"a", 0.025}, {"d", 0.1}, {"tau", std::nan("")}};
    Model start = without_parameters(t);
    for (std::size_t i = 0; i < 4; ++i) start.pools[i].tau_passes = t.pools[i].tau_passes;
    const FitResult r = fit(start, runs_per_pool(t, kPasses), o);
    CHECK(r.summary.free == std::vector<std::string>{"b"});
    CHECK(rel_diff(r.model.pools[3].b, -0.12) < kRecoveryRelTol);
  }
}

TEST_CASE("the objective is the weighted sum of the loss of each residual", "[fit]") {
  // Power law, one pool: y(n) = (a n / N0)^b + d with a = 0.25, b = -0.5, d = 0.1, N0 = 1e5:
  // n = 1.6e6 -> 4^-0.5 + 0.1 = 0.6; n = 6.4e6 -> 16^-0.5 + 0.1 = 0.35.
  Model m;
  m.params.law = LawKind::power;
  m.params.a = 0.25;
  m.params.d = 0.1;
  m.pools.push_back({"x", 1e6, -0.5, 1.0, std::nullopt});
  Observations o;
  o.rows.push_back({"x", {0}, 1.6e6, 0.5, 2.0, 2});  // residual +0.1, weight 2
  o.rows.push_back({"x", {0}, 6.4e6, 0.4, 1.0, 3});  // residual -0.05
  o.rows.push_back({"x", {0}, 6.4e6, 0.9, 0.0, 4});  // weight 0: ignored
  CHECK(rel_diff(fit_objective(m, o, Loss{}), 2 * 0.01 + 0.0025) < kHandRelTol);
  // Huber, delta 0.08: 2 * 0.08 (0.1 - 0.04) + 0.5 * 0.05^2.
  CHECK(rel_diff(fit_objective(m, o, parse_loss("huber:0.08", "--loss")), 2 * 0.0048 + 0.00125) < kHandRelTol);
}

TEST_CASE("a huber loss resists an outlying run that pulls a squared fit", "[fit]") {
  const Model truth = default_config().model;
  Observations runs = runs_per_pool(truth, {1, 2, 3, 4, 6, 8, 10});
  runs.rows[5].error += 0.05;  // one run 5 points off
  const FitResult squared = fit(without_parameters(truth), runs, FitOptions{});
  FitOptions o;
  o.loss = parse_loss("huber:1e-4", "--loss");
  const FitResult huber = fit(without_parameters(truth), runs, o);
  CHECK(worst_rel(squared.model, truth) > 1e-2);
  CHECK(worst_rel(huber.model, truth) < 1e-2);
}

TEST_CASE("the fit beats a random grid over (a, b, tau) with far fewer evaluations", "[fit]") {
  // The reference's setting: one pool, d held, a random search of the same box. (Timings are in
  // scripts/bench.sh and docs/fit.md; this checks the objective and the evaluation counts.)
  Model truth = default_config().model;
  truth.pools.resize(1);
  const Observations runs = runs_per_pool(truth, kPasses);
  FitOptions o;
  o.fixed = {{"d", 0.1}};
  const long tries = 20'000;
  const FitResult grid = random_search(without_parameters(truth), runs, o, tries);
  const FitResult fitted = fit(without_parameters(truth), runs, o);
  CHECK(grid.summary.evaluations == static_cast<std::size_t>(tries) + 1);  // + the initial guess
  CHECK(fitted.summary.objective < grid.summary.objective);
  CHECK(fitted.summary.evaluations * 20 < grid.summary.evaluations);
  CHECK(worst_rel(fitted.model, truth) < kRecoveryRelTol);
}

TEST_CASE("the same seed gives the same fit, bit for bit", "[fit]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, kPasses, 0.01, 7);
  FitOptions o;
  o.seed = 42;
  const FitResult a = fit(without_parameters(truth), runs, o);
  const FitResult b = fit(without_parameters(truth), runs, o);
  CHECK(a.model.params.a == b.model.params.a);
  CHECK(a.model.params.d == b.model.params.d);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(a.model.pools[i].b == b.model.pools[i].b);
    CHECK(a.model.pools[i].tau_passes == b.model.pools[i].tau_passes);
  }
  CHECK(a.summary.evaluations == b.summary.evaluations);
}

TEST_CASE("parameters that end at a bound are named", "[fit]") {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, kPasses);
  FitOptions o;
  o.bounds.tau_max = 3.0;  // pool 1's tau is 6.7: it must stop at 3
  const FitResult r = fit(without_parameters(truth), runs, o);
  CHECK(r.model.pools[0].tau_passes == Approx(3.0));
  REQUIRE_FALSE(r.summary.at_bound.empty());
  CHECK(std::find(r.summary.at_bound.begin(), r.summary.at_bound.end(), "tau[top 0-10%] at upper bound 3") != r.summary.at_bound.end());
  o.bounds = FitBounds{};
  o.bounds.b_max = -0.2;  // every true b is above -0.2: some b ends at its upper bound (closest to 0)
  const FitResult rb = fit(without_parameters(truth), runs, o);
  CHECK(std::any_of(rb.summary.at_bound.begin(), rb.summary.at_bound.end(),
                    [](const std::string& s) { return s.rfind("b[", 0) == 0 && s.find("] at upper bound -0.2") == s.size() - 21; }));
}

TEST_CASE("parsing --loss, --law, --fix and --shared", "[fit][errors]") {
  CHECK(parse_loss("squared", "--loss").kind == Loss::Kind::squared);
  const Loss h = parse_loss("huber:0.01", "--loss");
  CHECK(h.kind == Loss::Kind::huber);
  CHECK(h.delta == 0.01);
  CHECK(to_string(h) == "huber:0.01");
  CHECK(to_string(Loss{}) == "squared");
  CHECK_THROWS_WITH(parse_loss("absolute", "--loss"), "--loss: 'absolute' is not a loss; use squared or huber:DELTA");
  CHECK_THROWS_WITH(parse_loss("huber:-1", "--loss"), Catch::StartsWith("--loss: DELTA in 'huber:-1' must be a finite number > 0"));
  CHECK_THROWS_WITH(parse_loss("huber:", "--loss"), Catch::StartsWith("--loss: DELTA in 'huber:' must be"));
  CHECK(parse_law("effective-data", "--law") == LawKind::effective_data);
  CHECK_THROWS_WITH(parse_law("linear", "--law"), "--law: 'linear' is not a law; use utility, effective-data or power");

  const auto fixed = parse_fixed("a=0.025,d", "--fix");
  REQUIRE(fixed.size() == 2);
  CHECK(fixed[0] == std::pair<std::string, double>("a", 0.025));
  CHECK(fixed[1].first == "d");
  CHECK(std::isnan(fixed[1].second));
  CHECK_THROWS_WITH(parse_fixed("c=1", "--fix"), Catch::StartsWith("--fix: 'c' is not a parameter; use a, d, b or tau"));
  CHECK_THROWS_WITH(parse_fixed("a=x", "--fix"), "--fix: the value of a in 'a=x' is not a finite number");
  CHECK_THROWS_WITH(parse_fixed("a=inf", "--fix"), "--fix: the value of a in 'a=inf' is not a finite number");

  FitOptions o;
  parse_shared("b,tau", "--shared", o);
  CHECK(o.shared_b);
  CHECK(o.shared_tau);
  CHECK_THROWS_WITH(parse_shared("a", "--shared", o), "--shared: 'a' cannot be shared; use b, tau or b,tau (a and d are always shared)");
}

TEST_CASE("validate(FitOptions) names the field, value and rule", "[fit][errors]") {
  auto error_of = [](auto&& edit) {
    FitOptions o;
    edit(o);
    try {
      validate(o);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_of([](FitOptions&) {}) == "(no error)");
  CHECK(error_of([](FitOptions& o) { o.fixed = {{"a", 1}, {"a", 2}}; }) == "fix: 'a' is given twice");
  CHECK(error_of([](FitOptions& o) { o.fixed = {{"b", 0.1}}; }) == "fix: b=0.1 must be < 0");
  CHECK(error_of([](FitOptions& o) { o.fixed = {{"tau", 0}}; }) == "fix: tau=0 must be > 0");
  CHECK(error_of([](FitOptions& o) { o.fixed = {{"d", -1}}; }) == "fix: d=-1 must be >= 0");
  CHECK(error_of([](FitOptions& o) { o.loss = {Loss::Kind::huber, 0}; }) == "loss: huber delta must be a finite number > 0, got 0");
  CHECK(error_of([](FitOptions& o) { o.scan_points = -1; }) == "scan_points must be in [0, 1000000], got -1");
  CHECK(error_of([](FitOptions& o) { o.max_local_runs = 0; }) == "max_local_runs must be in [1, 1000], got 0");
  CHECK(error_of([](FitOptions& o) { o.confirmations = 20; }) == "confirmations must be in [1, max_local_runs = 12], got 20");
  CHECK(error_of([](FitOptions& o) { o.local_xtol_rel = 0; }) == "local_xtol_rel must be in [1e-15, 1e-2], got 0");
  CHECK(error_of([](FitOptions& o) { o.polish_xtol_rel = 1; }) == "polish_xtol_rel must be in [1e-15, 1e-2], got 1");
  CHECK(error_of([](FitOptions& o) { o.max_evaluations = 10; }) == "max_evaluations must be in [100, 100000000], got 10");
  CHECK(error_of([](FitOptions& o) { o.bounds.tau_min = 0; }) == "bounds: need 0 < tau_min < tau_max < inf, got [0, 10000]");
  CHECK(error_of([](FitOptions& o) { o.bounds.b_max = 0; }) == "bounds: need -inf < b_min < b_max < 0, got [-5, 0]");
}

TEST_CASE("the evaluation budget stops the fit and says so", "[fit]") {
  const Model truth = default_config().model;
  FitOptions o;
  o.max_evaluations = 200;
  const FitResult r = fit(without_parameters(truth), runs_per_pool(truth, kPasses), o);
  CHECK(r.summary.budget_exhausted);
  CHECK(r.summary.stopped.find("the evaluation budget (max_evaluations) ran out") != std::string::npos);
  CHECK(r.summary.evaluations <= 200 + 12);  // a Levenberg-Marquardt step finishes its Jacobian (n = 10)
}

TEST_CASE("parameter sets move between models", "[fit]") {
  const Model m = default_config().model;
  const ParameterSet s = parameters_of(m);
  CHECK(s.a == 0.025);
  CHECK(s.b == std::vector<double>{-0.16, -0.125, -0.10, -0.085});
  ParameterSet t = s;
  t.d = 0.2;
  t.tau[1] = 3.0;
  const Model u = with_parameters(m, t);
  CHECK(u.params.d == 0.2);
  CHECK(u.pools[1].tau_passes == 3.0);
  t.b.pop_back();
  CHECK_THROWS_AS(with_parameters(m, t), InternalError);
}

TEST_CASE("pools without runs keep their config values, tau without repeated runs is flagged", "[fit]") {
  const Model truth = default_config().model;
  Observations runs = runs_per_pool(truth, kPasses);
  runs.rows.erase(runs.rows.begin() + 15, runs.rows.end());  // no runs of pool 4
  Model start = without_parameters(truth);
  SECTION("no values: an input error naming the pool") {
    CHECK_THROWS_WITH(fit(start, runs, FitOptions{}),
                      "pool 'top 30-40%' has no runs in synthetic to fit its b from; give pools[3].b in the config or add runs");
  }
  SECTION("given values are kept and said so") {
    start.pools[3].b = -0.2;
    start.pools[3].tau_passes = 4.0;
    const FitResult r = fit(start, runs, FitOptions{});
    CHECK(r.model.pools[3].b == -0.2);
    CHECK(r.model.pools[3].tau_passes == 4.0);
    CHECK(r.summary.free.size() == 8);
    CHECK(worst_rel(r.model, [&] {
            Model t = truth;
            t.pools[3].b = -0.2;
            t.pools[3].tau_passes = 4.0;
            return t;
          }()) < kRecoveryRelTol);
    REQUIRE(r.summary.warnings.size() == 3);
    CHECK(r.summary.warnings[0] == "pool 'top 30-40%' has no runs: its b stays at the config's -0.2");
    CHECK(r.summary.warnings[2].rfind("pool 'top 30-40%' has no runs: its predictions rest on a and d fitted to other pools", 0) == 0);
  }
  SECTION("runs within the first pass cannot tell tau") {
    Observations first = runs_per_pool(truth, {0.25, 0.5, 1});
    const FitResult r = fit(start, first, FitOptions{});
    REQUIRE(r.summary.warnings.size() >= 4);
    CHECK(r.summary.warnings[0] == "tau[top 0-10%] is not identified: no run goes past one pass over its data; it stays near its start");
  }
}

TEST_CASE("more free parameters than observations: an input error naming both counts and the flags", "[fit][errors]") {
  // The default config's 4 pools: a, d, 4 b and 4 tau = 10 free parameters; 8 runs.
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, {2, 4});
  CHECK_THROWS_WITH(
      fit(without_parameters(truth), runs, FitOptions{}),
      "synthetic: 10 free parameters but only 8 observations (rows of positive weight): the fit is underdetermined; reduce the "
      "parameters with --shared b,tau (one b and one tau for all pools) or --fix (hold a, d, b or tau)");
  CHECK(informative_rows(runs) == 8);
  CHECK(free_parameters(without_parameters(truth), runs, FitOptions{}).size() == 10);
  // Shared b and tau: a, d, b, tau = 4 parameters for 8 rows: fitted.
  FitOptions shared;
  shared.shared_b = shared.shared_tau = true;
  CHECK_NOTHROW(fit(without_parameters(truth), runs, shared));
}

TEST_CASE("as many free parameters as observations: the fit interpolates, said so", "[fit]") {
  // Power law, 4 pools: a, d and 4 b = 6 parameters; 6 runs (two of pools 1 and 2, one of 3 and 4).
  Model truth = default_config().model;
  truth.params.law = LawKind::power;
  Observations runs = runs_per_pool(truth, {2, 4});
  runs.rows.erase(runs.rows.begin() + 7);
  runs.rows.erase(runs.rows.begin() + 5);
  REQUIRE(runs.rows.size() == 6);
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  CHECK(r.summary.informative_rows == 6);
  CHECK(std::count_if(r.summary.warnings.begin(), r.summary.warnings.end(), [](const std::string& w) {
          return w.rfind("the fit interpolates: 6 free parameters for 6 observations", 0) == 0;
        }) == 1);
}

TEST_CASE("identifiability: two pools that only appear together are named", "[fit]") {
  // Pools 1 and 2 only ever run as one mix (f = 1, 1, w = 1/2, 1/2); pools 3 and 4 alone. The rows
  // tell the mix's curve, not how b and tau split between the two pools.
  const Model truth = default_config().model;
  Observations runs;
  runs.source = "synthetic";
  for (const double k : {1.0, 2.0, 4.0, 6.0, 8.0, 10.0}) {
    Observation row;
    row.pool = "top 0-10%+top 10-20%";
    row.pools = {0, 1};
    row.samples_seen = k * 25.6e6;
    row.error = predict_error(truth, Strategy{{1, 1, 0, 0}, {0.5, 0.5, 0, 0}}, row.samples_seen);
    runs.rows.push_back(row);
  }
  Observations alone = runs_per_pool(truth, {1, 2, 4, 6, 8, 10});
  for (const auto& row : alone.rows) {
    if (row.pools[0] >= 2) runs.rows.push_back(row);
  }
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  const Identifiability& id = r.summary.identifiability;
  INFO("condition number " << id.condition_number << ", rank " << id.rank);
  CHECK(std::count(id.undetermined.begin(), id.undetermined.end(),
                   "pools 'top 0-10%', 'top 10-20%' only appear together in runs: their b and tau are not determined separately") == 1);
  CHECK(std::count(
            r.summary.warnings.begin(), r.summary.warnings.end(),
            "pools 'top 0-10%', 'top 10-20%' only appear together in runs: the runs determine their mix, not each pool's b and tau; add "
            "runs of each alone, or hold or share their b and tau (--fix, --shared)") == 1);
  // The fit lands on one of many exact splits; the Jacobian there names what it cannot separate
  // (here a correlation above 0.99 or a null direction involving pool 1's parameters).
  CHECK(std::any_of(id.undetermined.begin(), id.undetermined.end(), [](const std::string& u) {
    return u.find("top 0-10%]") != std::string::npos && u.find("only appear") == std::string::npos;
  }));
  // Every pool alone: nothing undetermined, a moderate condition number.
  const FitResult good = fit(without_parameters(truth), runs_per_pool(truth, {1, 2, 4, 6, 8, 10}), FitOptions{});
  CHECK(good.summary.identifiability.undetermined.empty());
  CHECK(good.summary.identifiability.rank == 10);
  CHECK(std::isfinite(good.summary.identifiability.condition_number));
}

TEST_CASE("fitted b's against the declared quality order are named", "[fit]") {
  // The truth makes the second-listed pool the better one (b more negative than the first's).
  Model truth = default_config().model;
  std::swap(truth.pools[0].b, truth.pools[1].b);  // -0.125, -0.16, -0.10, -0.085
  const FitResult r = fit(without_parameters(truth), runs_per_pool(truth, kPasses), FitOptions{});
  const std::string want =
      "the fitted b's contradict the declared quality order (pools best first, b more negative = better): 'top 0-10%' (b = -0.125) "
      "is listed before 'top 10-20%' (b = -0.16)";
  CHECK(std::count(r.summary.warnings.begin(), r.summary.warnings.end(), want) == 1);
  // The default config's own order: no such warning.
  const Model ordered = default_config().model;
  const FitResult o = fit(without_parameters(ordered), runs_per_pool(ordered, kPasses), FitOptions{});
  CHECK(std::none_of(o.summary.warnings.begin(), o.summary.warnings.end(),
                     [](const std::string& w) { return w.find("quality order") != std::string::npos; }));
}

TEST_CASE("a pool without runs: how much the refitted a and d move its prediction", "[fit]") {
  const Model truth = default_config().model;
  Observations runs = runs_per_pool(truth, kPasses);
  runs.rows.erase(runs.rows.begin() + 15, runs.rows.end());  // no runs of pool 4
  Model start = truth;                                       // the config's values; a and d start 20% off and are refitted to the truth
  start.params.a *= 1.2;
  start.params.d *= 0.8;
  const FitResult r = fit(start, runs, FitOptions{});
  // Brute force: pool 4 alone at the largest budget fitted (10 passes of 12.8M), before and after.
  Strategy alone{{0, 0, 0, 1}, {}};
  const double n = 128e6;
  const double before = predict_error(start, alone, n), after = predict_error(truth, alone, n);
  const std::string want = fmt::format(
      "pool 'top 30-40%' has no runs: it keeps its b and tau, but the refitted a and d move its predicted error alone "
      "at 1.28e+08 samples (the largest budget fitted) from {:.4f} to {:.4f} ({:+.4f})",
      before, after, after - before);
  CHECK(std::count(r.summary.warnings.begin(), r.summary.warnings.end(), want) == 1);
}
