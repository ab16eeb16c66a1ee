// subsets.cpp <-> subsets_test.cpp: the shared-work exhaustive search against one-by-one evaluation.
#include "qqt/subsets.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

/// The search kernel against the exact law (Mixture).
constexpr double kKernelRelTol = 1e-12;

Model five_unequal(Irreducible irreducible) {
  Model m;
  m.params.a = 0.025;
  m.params.d = 0.1;
  m.params.irreducible = irreducible;
  m.pools = {{"p1", 5e6, -0.18, 4.0, std::nullopt},
             {"p2", 12.8e6, -0.15, 7.0, std::nullopt},
             {"p3", 12.8e6, -0.12, 6.0, std::nullopt},
             {"p4", 30e6, -0.1, 3.0, std::nullopt},
             {"p5", 8e6, -0.09, 2.0, std::nullopt}};
  return m;
}

const std::vector<double> kBudgets{2e6, 3.2e7, 1.28e8, 6.4e8, 3e9, 2e10, 2e11};

// The best subset by evaluating every one with Mixture; ties to the lower mask.
SubsetBest brute_force(const Model& model, const Constraints& c, double n) {
  SubsetBest best;
  const PoolMask count = PoolMask{1} << model.pools.size();
  for (PoolMask mask = 1; mask < count; ++mask) {
    const Mixture mix(model, subset_strategy(model, mask).strategy);
    if (!violation(c, model, mix, n).empty()) continue;
    const double y = mix.error(n);
    if (best.mask == 0 || y < best.error) best = {mask, y};
  }
  return best;
}

}  // namespace

TEST_CASE("each subset's error agrees with evaluating it alone with Mixture", "[subsets]") {
  for (const Model& model : {default_config().model, five_unequal(Irreducible::outside), five_unequal(Irreducible::inside)}) {
    const SubsetSearch search(model, {});
    const PoolMask count = PoolMask{1} << model.pools.size();
    REQUIRE(search.subset_count() == count - 1);
    for (PoolMask mask = 1; mask < count; ++mask) {
      const Mixture mix(model, subset_strategy(model, mask).strategy);
      for (double n : kBudgets) {
        INFO("mask " << mask << " budget " << n);
        CHECK(rel_diff(search.error(mask, n), mix.error(n)) <= kKernelRelTol);
      }
    }
  }
}

TEST_CASE("the best subset at every budget is the brute-force best", "[subsets]") {
  for (const Model& model : {default_config().model, five_unequal(Irreducible::outside), five_unequal(Irreducible::inside)}) {
    const SubsetSearch search(model, {});
    const auto best = search.best(kBudgets, 1);
    const auto best2 = search.best(kBudgets, 2);
    for (std::size_t j = 0; j < kBudgets.size(); ++j) {
      INFO("budget " << kBudgets[j]);
      const SubsetBest want = brute_force(model, {}, kBudgets[j]);
      CHECK(best[j].mask == want.mask);
      CHECK(rel_diff(best[j].error, want.error) <= kKernelRelTol);
      CHECK(best[j].error == search.error(best[j].mask, kBudgets[j]));  // what best() compares is error()
      CHECK(best2[j].mask == best[j].mask);                             // thread count does not matter
      CHECK(best2[j].error == best[j].error);
    }
  }
}

TEST_CASE("budgets in any order, duplicates included", "[subsets]") {
  const Model model = five_unequal(Irreducible::outside);
  const SubsetSearch search(model, {});
  const std::vector<double> shuffled{6.4e8, 2e6, 2e11, 6.4e8, 3.2e7};
  const auto got = search.best(shuffled, 2);
  for (std::size_t j = 0; j < shuffled.size(); ++j) CHECK(got[j].mask == brute_force(model, {}, shuffled[j]).mask);
}

TEST_CASE("constraints: the best feasible subset, or none", "[subsets][constraints]") {
  const Model model = five_unequal(Irreducible::outside);
  Constraints c;
  c.max_passes = 20;
  c.max_unique = 40e6;
  set_weight_bounds(c, model, std::nullopt, 0.6, "p5=0.1:");
  c.max_passes = 20;
  c.max_unique = 40e6;
  const SubsetSearch search(model, c);
  const auto best = search.best(kBudgets, 2);
  bool some_infeasible = false;
  for (std::size_t j = 0; j < kBudgets.size(); ++j) {
    INFO("budget " << kBudgets[j]);
    const SubsetBest want = brute_force(model, c, kBudgets[j]);
    CHECK(best[j].mask == want.mask);
    if (best[j].mask == 0) {
      some_infeasible = true;
      continue;
    }
    const Mixture mix(model, subset_strategy(model, best[j].mask).strategy);
    CHECK(violation(c, model, mix, kBudgets[j]).empty());
    CHECK(search.feasible(best[j].mask, kBudgets[j]));
  }
  CHECK(some_infeasible);  // 2e11 needs 1e10 unique samples at 20 passes
}

TEST_CASE("the effective-data law goes through Mixture", "[subsets]") {
  Model model = five_unequal(Irreducible::outside);
  model.params.law = LawKind::effective_data;
  const SubsetSearch search(model, {});
  const std::vector<double> budgets{3.2e7, 6.4e8};
  const auto best = search.best(budgets, 2);
  for (std::size_t j = 0; j < budgets.size(); ++j) CHECK(best[j].mask == brute_force(model, {}, budgets[j]).mask);
}

TEST_CASE("subset names and the pool limit", "[subsets]") {
  const Model model = default_config().model;
  CHECK(subset_strategy(model, 0b0101).id == "subset-1+3");
  CHECK(subset_strategy(model, 0b0101).label == "top 0-10% + top 20-30%");
  CHECK(subset_strategy(model, 0b0011).label == "top 20%");
  CHECK(subset_strategy(model, 0b0101).strategy.fractions == std::vector<double>{1, 0, 1, 0});
  Model big = model;
  for (int i = 0; i < 17; ++i) big.pools.push_back({"x" + std::to_string(i), 1e6, -0.1, 2.0, std::nullopt});
  CHECK_THROWS_WITH(SubsetSearch(big, {}), Catch::Contains("handles at most 20 pools; the config has 21"));
}

TEST_CASE("huge |b| and sizes: the subset kernel agrees with Mixture (found by fuzz_kernel)", "[subsets][extreme]") {
  // The kernel summed S_i b_i before dividing by U: with b = -1e300 and S = 12.8M that overflowed
  // to -inf (then NaN) where Mixture's w_i b_i stays finite. It now sums w_i b_i as Mixture does.
  Model m;
  m.params.a = 1e5;  // a n1' / N0 >= 1 at every budget below, so (..)^b with b = -1e300 is 0 or 1
  m.params.d = 1e-300;
  m.pools = {{"p", 12.8e6, -1e300, 3.0, std::nullopt}, {"q", 1e6, -0.1, 2.0, std::nullopt}};
  const SubsetSearch search(m, Constraints{});
  for (const double n : {1e6, 6.4e8}) {
    for (const PoolMask mask : {PoolMask{1}, PoolMask{3}}) {
      const double want = Mixture(m, subset_strategy(m, mask).strategy).error(n);
      INFO("mask " << mask << " budget " << n);
      CHECK(std::isfinite(search.error(mask, n)));
      CHECK(std::abs(search.error(mask, n) - want) <= 1e-12 * want);
    }
  }
}

TEST_CASE("a huge tau_scaling on a uniform mix: tau_hat = tau, in Mixture and the kernel (found by fuzz_kernel)", "[subsets][extreme]") {
  // tests/fuzz/corpus/fuzz_kernel/regression-subset-vs-mixture. Uniform sampling over kept data has
  // U~ = U exactly (spec §2), so with one pool kept whole U~ / S = 1 and tau_hat = tau (1)^kappa = tau
  // for any kappa. Mixture computed U~ as 1 / (w^2 / u), one ulp above S: raised to kappa = 9e223 that
  // made tau_hat infinite (no decay), 4e-5 away from the kernel. By hand: tau_hat = 1e-3 passes, so
  // delta = 0.5^1000 ~ 1e-301 and every repeated pass adds nothing (C(infinity) ~ delta ln 2):
  // y = (a S / N0)^b + d (the first pass alone; n / S = 1.7e17 passes).
  Model m;
  m.params.a = 1.000000000000001e-12;
  m.params.d = 1.0000000000000237e-300;
  m.params.normalizer = 4.1259139629172538e+179;
  m.params.tau_scaling = 9.0836722866238834e+223;
  m.pools = {{"p0", 3.6333123442401956, -1.0000000000000004e-06, 0.0010000000000000002, std::nullopt}};
  const double n = 6.1526541014903706e+17;
  const double want = std::pow(m.params.a * m.pools[0].size_samples / m.params.normalizer, m.pools[0].b) + m.params.d;
  CHECK(rel_diff(Mixture(m, Strategy{}).error(n), want) <= kKernelRelTol);
  CHECK(rel_diff(Mixture(m, Strategy{{1.0}, {1.0}}).error(n), want) <= kKernelRelTol);
  const SubsetSearch search(m, Constraints{});
  CHECK(rel_diff(search.error(1, n), want) <= kKernelRelTol);
  // Two pools, uniform: U~ = U; S_2 = U - S_1 is not S_1, so (U / S_i)^kappa over- or underflows
  // alike in both: the kernel and Mixture still agree.
  m.pools.push_back({"p1", 3.0, -2e-6, 5.0, std::nullopt});
  const SubsetSearch two(m, Constraints{});
  for (const double budget : {10.0, 1e6, n}) {
    INFO("budget " << budget);
    CHECK(rel_diff(two.error(3, budget), Mixture(m, Strategy{}).error(budget)) <= kKernelRelTol);
  }
}

TEST_CASE("b = -1.4e304 on a uniform mix under `inside`: P_i = U exactly, in Mixture and the kernel (found by fuzz_kernel)",
          "[subsets][extreme]") {
  // tests/fuzz/corpus/fuzz_kernel/regression-huge-b-periods. Uniform sampling has P_i = u_i / w_i = U
  // for every pool (spec §2), so n_d = U ends every pool's first pass and R(n) / R(n_d) =
  // exp(sum_i w_i b_i H_i(n / U)). Mixture computed P_i as u_i / (u_i / U), an ulp off U, and
  // w_i b_i ln(P_i / U) with w_0 b_0 = -6.9e294 made the factor 0 (y = 0 instead of ~d).
  // By brute force per spec §2/§5 (long double): (a U / N0)^beta0 underflows (a U / N0 = 2e9, beta0 =
  // -6.9e294), so y = d exp(sum_i w_i b_i H_i(x)), H(x) = sum_{k<K} delta^k ln(1 + 1/k) + delta^K ln(x / K),
  // K = floor(x), delta_i = 0.5^(1 / tau_i) (tau_scaling 0: tau_hat = tau).
  Model m;
  m.params.irreducible = Irreducible::inside;
  m.params.a = 7.1297527025971337e-307;
  m.params.d = 2.9204073214394339e-308;
  m.params.normalizer = 7.3185433265431305e-307;
  m.params.tau_scaling = 0;
  m.pools = {{"p0", 1, -1.4331154473678791e+304, 0.0010000000000000002, std::nullopt},
             {"p1", 2077327081.0192432, -0.0029352777798074665, 45.577703770804909, std::nullopt}};
  const double n = 21936975402196.863;
  const long double u = 1.0L + 2077327081.0192432L;
  const long double x = n / u;
  const long double whole = std::floor(x);
  long double log_ratio = 0.0L;
  for (const Pool& p : m.pools) {
    const long double delta = std::pow(0.5L, 1.0L / p.tau_passes);
    long double h = 0.0L;
    for (long double k = 1; k < whole; ++k) h += std::pow(delta, k) * std::log1p(1.0L / k);
    h += std::pow(delta, whole) * std::log(x / whole);
    log_ratio += p.size_samples / u * p.b * h;
  }
  const double want = static_cast<double>(m.params.d * std::exp(log_ratio));
  REQUIRE(want > 0);
  CHECK(rel_diff(Mixture(m, Strategy{}).error(n), want) <= kKernelRelTol);
  const SubsetSearch search(m, Constraints{});
  CHECK(rel_diff(search.error(3, n), want) <= kKernelRelTol);
}
