// fast_law.cpp <-> fast_law_test.cpp: the search kernel against a plain long-double loop and Mixture.
#include "fast_law.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "law_vectors.hpp"
#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/subsets.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

/// The kernel ranks strategies; it must agree with the exact law (Mixture) to this relative error.
constexpr double kFastKernelRelTol = 1e-12;

// H(lambda, x) summed pass by pass in long double: sum_{k=1..K-1} e^{-lambda k} ln(1+1/k) + e^{-lambda K} ln(x/K).
double slow_pass_sum(double lambda, double x) {
  const long long whole = static_cast<long long>(std::floor(x));
  if (whole < 1) return 0.0;
  long double sum = 0.0L;
  for (long long k = 1; k < whole; ++k) {
    sum += std::exp(-static_cast<long double>(lambda) * k) * std::log1p(1.0L / static_cast<long double>(k));
  }
  sum += std::exp(-static_cast<long double>(lambda) * whole) * std::log(static_cast<long double>(x) / whole);
  return static_cast<double>(sum);
}

Model unequal_model(Irreducible irreducible, double kappa) {
  Model m;
  m.params.a = 0.025;
  m.params.d = 0.1;
  m.params.irreducible = irreducible;
  m.params.tau_scaling = kappa;
  m.pools = {{"a", 3e6, -0.17, 5.0, std::nullopt},
             {"b", 12.8e6, -0.13, 9.0, std::nullopt},
             {"c", 40e6, -0.1, 3.0, std::nullopt},
             {"d", 7e6, -0.08, 1.5, std::nullopt}};
  return m;
}

}  // namespace

TEST_CASE("pass_sum agrees with the pass-by-pass sum, direct part and Euler-Maclaurin tail", "[fast_law]") {
  for (double lambda : {1e-4, 3e-3, 0.02, 0.1, 0.7, 3.0}) {
    for (double x : {0.5, 1.0, 1.5, 2.0, 7.25, 33.0, 511.9, 512.5, 513.0, 700.3, 2049.5, 30000.7}) {
      INFO("lambda " << lambda << " passes " << x);
      const double want = slow_pass_sum(lambda, x);
      const double got = detail::pass_sum(lambda, x);
      if (want == 0.0) {
        CHECK(got == 0.0);
      } else {
        CHECK(rel_diff(got, want) <= kFastKernelRelTol);
      }
    }
  }
}

TEST_CASE("pass_sums over ascending passes is bit-identical to pass_sum at each", "[fast_law]") {
  const std::vector<double> passes{0.2, 1.0, 1.0, 3.5, 40.0, 511.0, 600.5, 5000.0, 1e6};
  for (double lambda : {1e-3, 0.05, 1.0}) {
    std::vector<double> out(passes.size());
    detail::pass_sums(lambda, passes, out);
    for (std::size_t j = 0; j < passes.size(); ++j) CHECK(out[j] == detail::pass_sum(lambda, passes[j]));
  }
  std::vector<double> out(2);
  const std::vector<double> descending{3.0, 2.0};
  CHECK_THROWS_AS(detail::pass_sums(0.1, descending, out), InternalError);
}

TEST_CASE("FastUtility agrees with Mixture on random strategies", "[fast_law]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (auto irreducible : {Irreducible::outside, Irreducible::inside}) {
    for (double kappa : {0.0, 0.5, 1.0}) {
      const Model model = unequal_model(irreducible, kappa);
      const detail::FastUtility fast(model);
      for (int trial = 0; trial < 200; ++trial) {
        Strategy s;
        std::vector<double> kept(4), weights(4);
        double total = 0.0;
        for (std::size_t i = 0; i < 4; ++i) {
          const bool used = unit(rng) < 0.7 || i == 0;
          weights[i] = used ? 0.05 + unit(rng) : 0.0;
          total += weights[i];
          s.fractions.push_back(used ? 0.01 + 0.99 * unit(rng) : 0.0);
        }
        for (std::size_t i = 0; i < 4; ++i) {
          weights[i] /= total;
          kept[i] = s.fractions[i] * model.pools[i].size_samples;
        }
        s.weights = weights;
        const Mixture mix(model, s);
        for (double n : {1e6, 3.3e7, 6.4e8, 1e10, 3e11}) {
          INFO("trial " << trial << " budget " << n);
          CHECK(rel_diff(fast.error(kept, mix.weights(), n), mix.error(n)) <= kFastKernelRelTol);
        }
      }
    }
  }
}

TEST_CASE("FastUtility on the default config reproduces the reference table", "[fast_law]") {
  const Config c = default_config();
  const detail::FastUtility fast(c.model);
  // top-2 at 640M: 38.55 % accuracy (estimate_best_pool.py)
  const std::vector<double> kept{12.8e6, 12.8e6, 0, 0}, weights{0.5, 0.5, 0, 0};
  CHECK(std::abs(100 * (1 - fast.error(kept, weights, 640e6)) - 38.55) <= qqt::test::kTableAbsTol);
  Model other = c.model;
  other.params.law = LawKind::effective_data;
  CHECK_THROWS_AS(detail::FastUtility(other), InternalError);
}

TEST_CASE("a half-life that under- or overflows follows the kernel's one rule in every evaluator", "[fast_law][extreme]") {
  // Issue 9: tau_scaling 110 made `plan --search threshold` fail inside PrefixWalker (lambda = inf)
  // while Mixture capped the same rate. Both go through law_kernel.hpp's decay_rate now.
  Config c = default_config();
  c.model.params.tau_scaling = 110;
  const detail::FastUtility fast(c.model);
  const double a = c.model.params.a, d = c.model.params.d, n0 = c.model.params.normalizer, n = 640e6;
  SECTION("tau_hat underflows to 0: the pool is worthless after its first pass") {
    // 0.1% of pool 1 alone: tau_hat = tau (1e-3)^110 = 0, so delta = 0 and only the first factor is left:
    // y = ((a u / N0)^b + d) * 1 (irreducible inside), u = 12.8K.
    const double u = 12.8e3, b = c.model.pools[0].b;
    CHECK(detail::decay_rate(c.model.pools[0].tau_passes, u, c.model.pools[0].size_samples, 110) == detail::kMaxDecayRate);
    const double want = std::pow(a * u / n0, b) + d;
    const std::vector<double> kept{u, 0, 0, 0}, weights{1, 0, 0, 0};
    CHECK(rel_diff(fast.error(kept, weights, n), want) <= kFastKernelRelTol);
    CHECK(rel_diff(Mixture(c.model, {{1e-3, 0, 0, 0}, {}}).error(n), want) <= kFastKernelRelTol);
  }
  SECTION("tau_hat overflows to inf: no decay, the plain power law") {
    // tau = 1e308 on pool 1 of a two-pool mix (U / S = 2): tau_hat = inf, delta = 1, and
    // H(x) = sum_{k<K} ln(1 + 1/k) + ln(x / K) = ln x, so R = (a P / N0)^b x^b = (a n / N0)^b.
    Model m = c.model;
    m.params.tau_scaling = 1;
    m.params.irreducible = Irreducible::outside;
    m.pools.resize(1);
    m.pools[0].tau_passes = 1e308;
    m.pools.push_back({"copy", m.pools[0].size_samples, m.pools[0].b, 1e308, std::nullopt});
    CHECK(detail::decay_rate(1e308, 2 * m.pools[0].size_samples, m.pools[0].size_samples, 1) == detail::kMinDecayRate);
    const double want = std::pow(a * n / n0, m.pools[0].b) + d;
    const detail::FastUtility fast2(m);
    const std::vector<double> kept{12.8e6, 12.8e6}, weights{0.5, 0.5};
    CHECK(rel_diff(fast2.error(kept, weights, n), want) <= kFastKernelRelTol);
    CHECK(rel_diff(Mixture(m, {}).error(n), want) <= kFastKernelRelTol);
  }
}

TEST_CASE("every utility-law vector agrees to 1e-12 relative in the search kernel", "[fast_law][vectors]") {
  // FastUtility for every utility case; SubsetSearch::error where the case is a uniform subset
  // (fractions 0 or 1, weights uniform over kept data).
  const auto vectors = qqt::test::law_vectors();
  REQUIRE(vectors.size() == qqt::test::kLawVectorCount);
  double worst_fast = 0.0, worst_subset = 0.0;
  int fast_cases = 0, subset_cases = 0;
  for (std::size_t c = 0; c < vectors.size(); ++c) {
    const auto& v = vectors[c];
    if (v.model.params.law != LawKind::utility) continue;
    INFO("case " << c << " budget " << v.budget);
    const std::size_t m = v.model.pools.size();
    std::vector<double> kept(m), weights(m);
    double total = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      kept[i] = v.strategy.fractions[i] * v.model.pools[i].size_samples;
      total += kept[i];
    }
    for (std::size_t i = 0; i < m; ++i) weights[i] = v.strategy.weights.empty() ? kept[i] / total : v.strategy.weights[i];
    const double fast = detail::FastUtility(v.model).error(kept, weights, v.budget);
    CHECK(rel_diff(fast, v.error) <= qqt::test::kVectorRelTol);
    worst_fast = std::max(worst_fast, rel_diff(fast, v.error));
    ++fast_cases;
    bool whole = v.strategy.weights.empty();
    PoolMask mask = 0;
    for (std::size_t i = 0; i < m; ++i) {
      whole = whole && (v.strategy.fractions[i] == 0.0 || v.strategy.fractions[i] == 1.0);
      if (v.strategy.fractions[i] == 1.0) mask |= PoolMask{1} << i;
    }
    if (whole && mask != 0) {
      const double subset = SubsetSearch(v.model, Constraints{}).error(mask, v.budget);
      CHECK(rel_diff(subset, v.error) <= qqt::test::kVectorRelTol);
      worst_subset = std::max(worst_subset, rel_diff(subset, v.error));
      ++subset_cases;
    }
  }
  CHECK(fast_cases == 88);
  CHECK(subset_cases > 0);
  WARN("FastUtility: max relative error over " << fast_cases << " utility vectors: " << worst_fast);
  WARN("SubsetSearch::error: max relative error over " << subset_cases << " uniform-subset vectors: " << worst_subset);
}
