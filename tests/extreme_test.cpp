// Extreme numbers (issue "Hardening"): every combination either answers with finite numbers or
// stops with a clear error (InputError outside the documented domain, NumericalError when the
// result overflows double). Never NaN, never another exception.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "fast_law.hpp"
#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/law.hpp"
#include "qqt/mixture_search.hpp"
#include "qqt/output.hpp"
#include "qqt/plan.hpp"
#include "qqt/subsets.hpp"
#include "qqt/threshold.hpp"
#include "test_support.hpp"

using namespace qqt;

namespace {

enum class Outcome { finite, numerical_error };

// Runs plan and predict; returns how they ended. Any NaN/inf in a result fails the test.
Outcome plan_and_predict(const Model& m, const std::vector<double>& budgets) {
  try {
    PlanOptions o;
    o.budgets_samples = budgets;
    const PlanResult r = plan(m, topk_strategies(m), o);
    for (const auto& b : r.budgets) {
      for (const auto& c : b.candidates) {
        REQUIRE(std::isfinite(c.error));
        REQUIRE(std::isfinite(c.accuracy));
        REQUIRE(std::isfinite(c.passes));
      }
    }
    for (const auto& p : predict(m, {}, budgets)) REQUIRE(std::isfinite(p.error));
    return Outcome::finite;
  } catch (const NumericalError&) {
    return Outcome::numerical_error;
  }
}

Model base(LawKind law) {
  Model m;
  m.params.law = law;
  m.params.a = 0.025;
  m.params.d = 0.1;
  m.pools = {{"p0", 1e6, -0.1, 4.0, std::nullopt}, {"p1", 2e6, -0.08, 2.0, std::nullopt}};
  return m;
}

}  // namespace

TEST_CASE("extreme budgets, sizes, tau, b, a and d give finite numbers or a clear error", "[extreme]") {
  const std::vector<double> budgets = {1, 1e3, 1e9, 1e15, 1e18};
  int finite = 0, numerical = 0;
  for (const LawKind law : {LawKind::utility, LawKind::effective_data, LawKind::power}) {
    for (const double size : {1.0, 1e3, 1e12}) {
      for (const double tau : {1e-3, 1.0, 1e4, 1e6}) {
        // The effective-data walk does not depend on a and b; one value each keeps the test quick
        // (its budget-bound refusals each walk the maximum before they stop).
        const bool walk = law == LawKind::effective_data;
        for (const double b : walk ? std::vector<double>{-0.1} : std::vector<double>{-5.0, -0.1, -1e-6}) {
          for (const double a : walk ? std::vector<double>{1.0} : std::vector<double>{1e-12, 1.0, 1e12}) {
            Model m = base(law);
            m.params.a = a;
            m.params.d = 0.0;
            m.pools[0].size_samples = size;
            m.pools[0].tau_passes = tau;
            m.pools[0].b = b;
            INFO(fmt::format("law {} size {} tau {} b {} a {}", to_string(law), size, tau, b, a));
            (plan_and_predict(m, budgets) == Outcome::finite ? finite : numerical)++;
          }
        }
      }
    }
  }
  // Most of the grid is answerable; overflow (e.g. a = 1e-12, b = -5 at n = 1) is reported.
  CHECK(finite > numerical);
  WARN(fmt::format("extreme grid: {} finite, {} numerical errors", finite, numerical));
}

TEST_CASE("a pool of one sample at 1e18 samples seen", "[extreme]") {
  Model m = base(LawKind::utility);
  m.pools = {{"one", 1, -0.1, 3.0, std::nullopt}};
  const double y = predict_error(m, {}, 1e18);
  // One sample repeated 1e18 times: after the decay the error stops falling; it equals the value
  // at which every further pass is worthless: R = (a/N0)^b * prod_k ((k+1)/k)^(b delta^k), finite.
  CHECK(std::isfinite(y));
  CHECK(y == predict_error(m, {}, 1e17));  // flat: delta^k has vanished long before
}

TEST_CASE("1,000 pools plan in bounded time with finite numbers", "[extreme]") {
  Model m = base(LawKind::utility);
  m.pools.clear();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 1000; ++i) {
    m.pools.push_back({fmt::format("p{}", i), 1e5 * (1 + 9 * u(rng)), -0.05 - 0.2 * u(rng), 0.5 + 10 * u(rng), std::nullopt});
  }
  REQUIRE(plan_and_predict(m, {1e8, 1.1e8}) == Outcome::finite);
}

TEST_CASE("property: a pool split into two identical halves changes nothing (kappa = 1)", "[extreme][property]") {
  // Halves of size S/2 with tau/2: U = S, tau_hat = (tau/2)(S/(S/2)) = tau, P = S: same law.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  for (int trial = 0; trial < 40; ++trial) {
    Model whole;
    whole.params.law = trial % 2 ? LawKind::utility : LawKind::effective_data;
    whole.params.irreducible = trial % 4 < 2 ? Irreducible::inside : Irreducible::outside;
    whole.params.a = 0.01 + 0.1 * u(rng);
    whole.params.d = 0.2 * u(rng);
    const double size = 1e6 * (1 + 10 * u(rng)), b = -0.02 - 0.3 * u(rng), tau = 0.5 + 20 * u(rng);
    whole.pools = {{"w", size, b, tau, std::nullopt}};
    Model halves = whole;
    halves.pools = {{"h1", size / 2, b, tau / 2, std::nullopt}, {"h2", size / 2, b, tau / 2, std::nullopt}};
    for (double n = 1e5; n < 1e13; n *= 7.3) {
      INFO("trial " << trial << " n " << n);
      CHECK(qqt::test::rel_diff(predict_error(halves, {}, n), predict_error(whole, {}, n)) <= 1e-13);
    }
  }
}

TEST_CASE("property: the mixture form with one pool is the single-pool law", "[extreme][property]") {
  // Explicit weights {1} and fraction 1 versus the default strategy, and a kept fraction f of a
  // pool versus a pool of size f S with tau scaled by f (App. G: tau_hat = tau (U / S)).
  Model m = base(LawKind::utility);
  m.pools.resize(1);
  for (double n : {1e5, 3.3e6, 2e8, 7e10}) {
    CHECK(predict_error(m, {{1.0}, {1.0}}, n) == predict_error(m, {}, n));
    Model smaller = m;
    smaller.pools[0].size_samples *= 0.25;
    smaller.pools[0].tau_passes *= 0.25;
    CHECK(qqt::test::rel_diff(predict_error(m, {{0.25}, {}}, n), predict_error(smaller, {}, n)) <= 1e-13);
  }
}

// ---------------------------------------------------------------------------------------------------
// Issue 10 point 8: inputs the validator accepted ended in -inf, -nan or internal errors. Each one
// now has a rule (an InputError naming it) or a finite answer that the searches and Mixture share.

namespace {

Model tmars() { return default_config().model; }

// Every search family at budget n: finite errors that Mixture confirms for the strategy reported.
void check_families_finite(const Model& m, double n) {
  constexpr double kKernelRelTol = 1e-12;
  const auto th = best_threshold(m, {}, n, {});
  REQUIRE(th);
  REQUIRE(std::isfinite(th->error));
  CHECK(qqt::test::rel_diff(Mixture(m, threshold_strategy(m, th->level, th->fraction).strategy).error(n), th->error) <= kKernelRelTol);
  const SubsetSearch subsets(m, {});
  const double budgets[] = {n};
  const auto best = subsets.best(budgets, 1);
  REQUIRE(best[0].mask != 0);
  CHECK(qqt::test::rel_diff(Mixture(m, subset_strategy(m, best[0].mask).strategy).error(n), best[0].error) <= kKernelRelTol);
  const auto mix = optimize_mixture(m, {}, n, {}, {});
  REQUIRE(mix);
  CHECK(std::isfinite(mix->error));
}

}  // namespace

TEST_CASE("d so large that the accuracy overflows is refused by name", "[extreme][errors]") {
  Model m = tmars();
  m.params.d = 1e308;  // printed -inf accuracy before
  CHECK_THROWS_WITH(validate(m), "d must be a number in [0, 1e+294], got 1e+308");
  m.params.d = 1e294;
  CHECK_NOTHROW(validate(m));
  CHECK(std::isfinite(100 * (1 - predict_error(m, {}, 6.4e8))));
}

TEST_CASE("a predicted error beyond 1e300 is a numerical error, never inf", "[extreme][errors]") {
  Model m = tmars();
  m.params.a = 1e-200;  // (a n / N0)^b = (1e-205)^-0.16 at n = 1: fine; at b = -5 it overflows
  for (auto& p : m.pools) p.b = -5;
  CHECK_THROWS_AS(predict_error(m, {}, 1.0), NumericalError);
  // The search kernel ranks the same strategy as infeasible (+inf), not as a number.
  const detail::FastUtility fast(m);
  const std::vector<double> kept{12.8e6, 0, 0, 0}, weights{1, 0, 0, 0};
  CHECK(fast.error(kept, weights, 1.0) == HUGE_VAL);
}

TEST_CASE("tau_scaling 1e3 and tau 5e-324: every search family answers, as Mixture does", "[extreme]") {
  // Both used to end in "internal error: PrefixWalker: lambda must be finite" in threshold, subsets
  // and mixture; the kernel's one decay-rate rule caps lambda (law_kernel.hpp).
  Model big_kappa = tmars();
  big_kappa.params.tau_scaling = 1e3;
  Model denormal_tau = tmars();
  denormal_tau.pools[0].tau_passes = 5e-324;
  for (const double n : {3.2e7, 6.4e8}) {
    INFO("budget " << n);
    check_families_finite(big_kappa, n);
    check_families_finite(denormal_tau, n);
  }
}

TEST_CASE("budgets, pool sizes and kept sizes below one sample are refused by name", "[extreme][errors]") {
  const Model m = tmars();
  // --budget 5e-324 ended in "-nan"; a budget counts samples seen.
  CHECK_THROWS_WITH(predict_error(m, {}, 5e-324), "budget must be a finite number of at least 1 sample, got 5e-324");
  CHECK_THROWS_AS(predict_error(m, {}, 0.5), InputError);
  CHECK(std::isfinite(predict_error(m, {}, 1.0)));
  // size: 5e-324
  Model tiny = m;
  tiny.pools[0].size_samples = 5e-324;
  CHECK_THROWS_WITH(validate(tiny), "pools[0].size must be a finite number of at least 1 sample, got 5e-324");
  // predict --fractions 5e-324
  CHECK_THROWS_WITH(predict_error(m, {{5e-324, 0, 0, 0}, {}}, 6.4e8),
                    Catch::StartsWith("fractions[0] (top 0-10%) keeps 6.32404e-317 samples"));
}
