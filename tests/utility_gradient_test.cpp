// utility_gradient.cpp <-> utility_gradient_test.cpp: the many-pool search's value and gradient
// against the exact law (Mixture) and against central differences of that law along the simplex.
#include "utility_gradient.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "qqt/error.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

/// The value is the law's: agreement with Mixture, relative (the kernel's own tolerance).
constexpr double kGradientValueRelTol = 1e-12;
/// Directional derivatives against central differences of Mixture (step 1e-7 of the weight moved):
/// the differences carry ~1e-8 of rounding and ~1e-9 of curvature; the gradient's own difference in
/// lambda is good to ~1e-10.
constexpr double kDirectionalRelTol = 1e-5;

std::vector<double> random_weights(std::mt19937_64& rng, std::size_t count) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> w(count);
  double sum = 0.0;
  for (double& v : w) {
    v = unit(rng) < 0.3 ? 0.0 : unit(rng);
    sum += v;
  }
  for (double& v : w) v /= sum;
  return w;
}

}  // namespace

TEST_CASE("utility gradient: the value is the exact law's", "[gradient]") {
  std::mt19937_64 rng(11);
  for (const Irreducible irreducible : {Irreducible::inside, Irreducible::outside}) {
    for (const double kappa : {1.0, 0.0, 0.5}) {
      const Model m = qqt::test::synthetic_pools(12, 5, irreducible, kappa);
      for (const double n : {3e7, 1e9, 3e10}) {
        for (const bool only_seen : {true, false}) {
          const detail::UtilityGradient law(m, n, only_seen);
          for (int trial = 0; trial < 5; ++trial) {
            const std::vector<double> w = random_weights(rng, m.pools.size());
            std::vector<double> segment(w.size()), grad(w.size());
            for (std::size_t i = 0; i < w.size(); ++i) segment[i] = law.segment_of(i, w[i]);
            CHECK(rel_diff(law.evaluate(w, segment, grad), qqt::test::family_error(m, w, n, only_seen)) < kGradientValueRelTol);
          }
        }
      }
    }
  }
}

TEST_CASE("utility gradient: directional derivatives along the simplex match central differences of the law", "[gradient]") {
  std::mt19937_64 rng(12);
  for (const Irreducible irreducible : {Irreducible::inside, Irreducible::outside}) {
    const Model m = qqt::test::synthetic_pools(10, 6, irreducible, 1.0);
    for (const double n : {1e8, 1e9, 2e10}) {
      const detail::UtilityGradient law(m, n, true);
      for (int trial = 0; trial < 6; ++trial) {
        const std::vector<double> w = random_weights(rng, m.pools.size());
        std::vector<double> segment(w.size()), grad(w.size());
        for (std::size_t i = 0; i < w.size(); ++i) segment[i] = law.segment_of(i, w[i]);
        law.evaluate(w, segment, grad);
        // Move weight from the largest pool to each other pool (a direction within sum w = 1).
        const std::size_t from = static_cast<std::size_t>(std::max_element(w.begin(), w.end()) - w.begin());
        for (std::size_t to = 0; to < w.size(); ++to) {
          if (to == from) continue;
          const double h = 1e-7 * w[from];
          // Stay inside both pools' segments (the law is smooth there); a pool at w = 0 is moved up only.
          const auto in_segment = [&](std::size_t i, double v) { return v >= 0 && law.segment_of(i, v) == segment[i]; };
          std::vector<double> plus = w, minus = w;
          plus[to] += h;
          plus[from] -= h;
          minus[to] -= h;
          minus[from] += h;
          const bool two_sided = w[to] > 0 && in_segment(to, minus[to]) && in_segment(from, minus[from]);
          if (!in_segment(to, plus[to]) || !in_segment(from, plus[from])) continue;
          const double difference = two_sided
                                        ? (qqt::test::family_error(m, plus, n, true) - qqt::test::family_error(m, minus, n, true)) / (2 * h)
                                        : (qqt::test::family_error(m, plus, n, true) - qqt::test::family_error(m, w, n, true)) / h;
          const double analytic = grad[to] - grad[from];
          INFO("n " << n << " pool " << to << " from " << from << " two-sided " << two_sided);
          CHECK(std::abs(analytic - difference) <=
                kDirectionalRelTol * (std::abs(grad[to]) + std::abs(grad[from])) + (two_sided ? 0 : 1e-4));
        }
      }
    }
  }
}

TEST_CASE("utility gradient: at a kink the segment picks the one-sided derivative", "[gradient]") {
  // Two pools, irreducible outside, the first at exactly 3 passes: moving weight to it from the
  // second crosses the kink. Each side's derivative against a one-sided difference of the law.
  const Model m = qqt::test::synthetic_pools(2, 7, Irreducible::outside, 1.0);
  const double n = 1e9;
  const detail::UtilityGradient law(m, n, true);
  std::vector<double> w{law.kink_weight(0, 3.0), 0.0};
  w[1] = 1.0 - w[0];
  REQUIRE(w[1] > 0);
  REQUIRE(n * w[1] > m.pools[1].size_samples);
  const double h = 1e-7 * w[0];
  const double y = qqt::test::family_error(m, w, n, true);
  const double up = (qqt::test::family_error(m, {w[0] + h, w[1] - h}, n, true) - y) / h;
  const double down = (y - qqt::test::family_error(m, {w[0] - h, w[1] + h}, n, true)) / h;
  CHECK(up > down);  // a convex kink: the derivative jumps up
  std::vector<double> grad(2);
  const double second = law.segment_of(1, w[1]);
  law.evaluate(w, std::vector<double>{3.0, second}, grad);  // above: passes 3..4
  CHECK(std::abs((grad[0] - grad[1]) - up) <= 1e-5 * std::abs(up));
  law.evaluate(w, std::vector<double>{2.0, second}, grad);  // below: passes 2..3
  CHECK(std::abs((grad[0] - grad[1]) - down) <= 1e-5 * std::abs(down));
  CHECK(law.segment_of(0, w[0]) == 2.0);  // a whole number of passes ends the segment below it
}

TEST_CASE("utility gradient needs the utility law", "[gradient][errors]") {
  Model m = qqt::test::synthetic_pools(2, 8, Irreducible::outside, 1.0);
  m.params.law = LawKind::power;
  CHECK_THROWS_AS(detail::UtilityGradient(m, 1e9, true), InternalError);
}
