// fast_law.cpp <-> fast_law_test.cpp: the search kernel against a plain long-double loop and Mixture.
#include "fast_law.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

/// The kernel ranks strategies; it must agree with the exact law (Mixture) to this relative error.
constexpr double kKernelRelTol = 1e-12;

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
        CHECK(rel_diff(got, want) <= kKernelRelTol);
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
          CHECK(rel_diff(fast.error(kept, mix.weights(), n), mix.error(n)) <= kKernelRelTol);
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
