// law.cpp <-> law_test.cpp: the law against the spec's vectors, hand calculations and brute force.
#include "qqt/law.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <random>

#include "law_vectors.hpp"
#include "qqt/error.hpp"
#include "repetition_sum.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

// Brute-force utility law, straight from spec §2: walk every breakpoint k P_i of every pool in
// order, integrating beta(m) over ln m, in long double. Terms stop changing once every delta^k has
// underflowed in double, so the walk ends there (what is left is below 1e-300). tau_hat scales with
// the effective mix size U~ = 1 / sum w_i^2 / u_i; `inside` divides by R(n_d), n_d = min(n, U).
long double brute_force_utility(const Model& model, const Strategy& s, double n) {
  const auto& pools = model.pools;
  const std::size_t m = pools.size();
  std::vector<long double> f(m), w(m), u(m);
  long double total_u = 0;
  for (std::size_t i = 0; i < m; ++i) {
    f[i] = s.fractions.empty() ? 1.0L : s.fractions[i];
    u[i] = f[i] * pools[i].size_samples;
  }
  long double kept = 0;
  for (std::size_t i = 0; i < m; ++i) kept += u[i];
  for (std::size_t i = 0; i < m; ++i) w[i] = s.weights.empty() ? u[i] / kept : s.weights[i];
  long double collisions = 0;
  for (std::size_t i = 0; i < m; ++i) {
    if (w[i] > 0) {
      total_u += u[i];
      collisions += w[i] * w[i] / u[i];
    }
  }
  const long double effective = 1 / collisions;
  std::vector<long double> period(m), lambda(m);
  long double first = n;
  for (std::size_t i = 0; i < m; ++i) {
    if (!(w[i] > 0)) continue;
    period[i] = u[i] / w[i];
    const long double tau_hat = pools[i].tau_passes * std::pow(effective / pools[i].size_samples, (long double)model.params.tau_scaling);
    lambda[i] = std::numbers::ln2_v<long double> / tau_hat;
    first = std::min(first, period[i]);
  }
  // ln R(to) - beta0 ln(a first / N0), from the first breakpoint to `to` (>= first).
  auto walk = [&](long double to) {
    std::vector<long double> next(period), k(m, 0);
    auto beta = [&] {
      long double b = 0;
      for (std::size_t i = 0; i < m; ++i)
        if (w[i] > 0) b += w[i] * pools[i].b * (long double)std::exp(-(double)(lambda[i] * k[i]));
      return b;
    };
    long double rest = 0;
    long double pos = first;
    while (pos < to) {
      for (std::size_t i = 0; i < m; ++i) {
        if (w[i] > 0 && next[i] <= pos) {
          k[i] += 1;
          next[i] = (k[i] + 1) * period[i];
        }
      }
      const long double b = beta();
      long double nxt = to;
      for (std::size_t i = 0; i < m; ++i)
        if (w[i] > 0) nxt = std::min(nxt, next[i]);
      if (b == 0) break;  // every delta^k underflowed: flat from here
      rest += b * std::log(nxt / pos);
      pos = nxt;
    }
    return rest;
  };
  long double beta0 = 0;
  for (std::size_t i = 0; i < m; ++i)
    if (w[i] > 0) beta0 += w[i] * pools[i].b;
  const long double l1 = std::log(model.params.a * first / model.params.normalizer);
  const long double rest = walk(n);
  if (model.params.irreducible == Irreducible::inside) {
    const long double rest_d = walk(std::min<long double>(n, total_u));
    return std::exp(beta0 * l1 + rest) + model.params.d * std::exp(rest - rest_d);
  }
  return std::exp(beta0 * l1 + rest) + model.params.d;
}

Model one_pool_model(double size, double b, double tau, double a = 0.025, double d = 0.1) {
  Model m;
  m.params.a = a;
  m.params.d = d;
  m.pools = {{"p", size, b, tau, std::nullopt}};
  return m;
}

}  // namespace

TEST_CASE("every law vector agrees to 1e-12 relative", "[law][vectors]") {
  const auto vectors = qqt::test::law_vectors();
  REQUIRE(vectors.size() == qqt::test::kLawVectorCount);
  double worst = 0.0;
  for (std::size_t c = 0; c < vectors.size(); ++c) {
    const auto& v = vectors[c];
    const double got = predict_error(v.model, v.strategy, v.budget);
    INFO("case " << c << " law " << to_string(v.model.params.law) << " budget " << v.budget);
    CHECK(rel_diff(got, v.error) <= qqt::test::kVectorRelTol);
    worst = std::max(worst, rel_diff(got, v.error));
  }
  WARN("Mixture: max relative error over the " << vectors.size() << " law vectors: " << worst);
}

TEST_CASE("one pool by hand: the default top-10% bucket at 32M", "[law]") {
  // Hand calculation (irreducible inside, a = 0.025, d = 0.1, N0 = 1e5, S = 12.8M, b = -0.16,
  // tau = 6.7273): 2.5 passes, so y = ((a S/N0)^b + d) * 2^(b delta) * 1.25^(b delta^2),
  // delta = 0.5^(1/tau).
  Model m = one_pool_model(12.8e6, -0.16, 6.7273);
  m.params.irreducible = Irreducible::inside;
  const double delta = std::pow(0.5, 1.0 / 6.7273);
  const double want = (std::pow(0.025 * 128.0, -0.16) + 0.1) * std::pow(2.0, -0.16 * delta) * std::pow(1.25, -0.16 * delta * delta);
  CHECK(rel_diff(predict_error(m, {}, 32e6), want) <= 1e-14);
  // Before the first pass ends, the law is the plain power law.
  CHECK(rel_diff(predict_error(m, {}, 6.4e6), std::pow(0.025 * 64.0, -0.16) + 0.1) <= 1e-14);
}

TEST_CASE("1e15 samples (1e9 passes), tau = 400: the closed-form tail equals the pass-by-pass sum", "[law][tail]") {
  Model m = one_pool_model(1e6, -0.12, 400.0);
  SECTION("one pool: 1e9 passes") {
    const double got = predict_error(m, {}, 1e15);
    CHECK(rel_diff(got, (double)brute_force_utility(m, {}, 1e15)) <= qqt::test::kTailRelTol);
  }
  SECTION("two pools, unequal weights, irreducible inside") {
    m.pools.push_back({"q", 1e6, -0.08, 250.0, std::nullopt});
    m.params.irreducible = Irreducible::inside;
    const Strategy s{{1.0, 0.5}, {0.7, 0.3}};
    CHECK(rel_diff(predict_error(m, s, 1e15), (double)brute_force_utility(m, s, 1e15)) <= qqt::test::kTailRelTol);
  }
}

TEST_CASE("Euler-Maclaurin tail equals the exact sum", "[law][tail]") {
  // C(m) = sum_{k=1..m} delta^k ln(1+1/k), summed term by term in long double.
  for (const double tau_hat : {40.0, 400.0, 1e4, 1e6}) {
    const double lambda = std::numbers::ln2 / tau_hat;
    detail::RepetitionSum sum(lambda);
    long double exact = 0;
    long double k = 0;
    for (const double m : {1.0, 7.0, 1024.0, 1025.0, 1500.0, 1e5, 3e6}) {
      while (k < m) {
        k += 1;
        exact += std::exp(-(long double)lambda * k) * std::log1p(1.0L / k);
      }
      INFO("tau_hat " << tau_hat << " m " << m);
      CHECK(rel_diff(sum.prefix(m), (double)exact) <= qqt::test::kTailRelTol);
    }
  }
}

TEST_CASE("exponential integrals match known values and their recurrence", "[law][expint]") {
  // E_1 values from Abramowitz & Stegun table 5.1 (to the digits printed there).
  CHECK(rel_diff(detail::expint(1, 1.0), 0.219383934395520) <= 1e-14);
  CHECK(rel_diff(detail::expint(1, 0.5), 0.559773594776161) <= 1e-14);
  CHECK(rel_diff(detail::expint(1, 2.0), 0.048900510708061) <= 1e-13);
  for (const double x : {1e-6, 0.3, 1.0, 1.7, 25.0, 300.0}) {
    for (int n = 1; n <= 6; ++n) {
      // E_{n+1}(x) = (e^-x - x E_n(x)) / n
      const double want = (std::exp(-x) - x * detail::expint(n, x)) / n;
      INFO("n " << n << " x " << x);
      CHECK(rel_diff(detail::expint(n + 1, x), want) <= 1e-13);
    }
  }
  CHECK(detail::expint(3, 0.0) == 0.5);
}

TEST_CASE("spec reductions: Theorem 1 for equal pools, and a weighted mix", "[law]") {
  // Two equal 1M pools, uniform: all breakpoints at k * 2M and
  // beta_k = (b1 delta1^k + b2 delta2^k) / 2 with delta_i = 0.5^(1/(2 tau_i)) (Theorem 1).
  Model m = one_pool_model(1e6, -0.2, 3.0, 0.05, 0.0);
  m.pools.push_back({"q", 1e6, -0.1, 5.0, std::nullopt});
  const double n = 7e6;  // 3.5 passes over the 2M mix
  const double d1 = std::pow(0.5, 1.0 / 6.0), d2 = std::pow(0.5, 1.0 / 10.0);
  double log_r = -0.15 * std::log(0.05 * 2e6 / 1e5);
  for (int k = 1; k <= 3; ++k) {
    const double beta = 0.5 * (-0.2 * std::pow(d1, k) - 0.1 * std::pow(d2, k));
    log_r += beta * std::log(std::min(k + 1.0, 3.5) / k);
  }
  CHECK(rel_diff(predict_error(m, {}, n), std::exp(log_r)) <= 1e-14);
  // Effective-data with one pool: y = E^b with E summing each pass's samples scaled by delta^k.
  Model e = one_pool_model(1e6, -0.2, 3.0, 0.05, 0.0);
  e.params.law = LawKind::effective_data;
  const double delta = std::pow(0.5, 1.0 / 3.0);
  const double e0 = 0.05 * 1e6 / 1e5;
  double log_y = -0.2 * std::log(e0);
  double big_e = e0;
  for (int k = 1; k <= 2; ++k) {
    const double len = std::min(1e6, 2.5e6 - k * 1e6);
    const double next_e = big_e + 0.05 * len / 1e5 * std::pow(delta, k);
    log_y += -0.2 * std::log(next_e / big_e);
    big_e = next_e;
  }
  CHECK(rel_diff(predict_error(e, {}, 2.5e6), std::exp(log_y)) <= 1e-14);
  // Power law: b of the mix is the weighted mean.
  Model pw = m;
  pw.params.law = LawKind::power;
  pw.params.d = 0.1;
  CHECK(rel_diff(predict_error(pw, {{1, 1}, {0.25, 0.75}}, 5e7), std::pow(0.05 * 500, -0.125) + 0.1) <= 1e-14);
}

TEST_CASE("the error never increases with the budget (random strategies)", "[law][property]") {
  std::mt19937_64 rng(20240407);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 60; ++trial) {
    Model m;
    m.params.law = static_cast<LawKind>(trial % 3);
    m.params.irreducible = trial % 2 ? Irreducible::inside : Irreducible::outside;
    m.params.a = std::exp(std::log(1e-3) + unit(rng) * std::log(1e3));
    m.params.d = unit(rng) * 0.3;
    m.params.tau_scaling = unit(rng) * 2;
    const int pools = 1 + trial % 4;
    Strategy s;
    for (int i = 0; i < pools; ++i) {
      m.pools.push_back({fmt::format("p{}", i), 1e5 * (1 + 100 * unit(rng)), -0.01 - 0.3 * unit(rng), 0.5 + 20 * unit(rng), std::nullopt});
      s.fractions.push_back(0.05 + 0.95 * unit(rng));
      s.weights.push_back(0.05 + unit(rng));
    }
    double total = 0;
    for (double w : s.weights) total += w;
    for (double& w : s.weights) w /= total;
    Mixture mix(m, s);
    double previous = mix.error(1.0);
    for (double n = 1.0; n <= 1e13; n *= 1.37) {
      const double y = mix.error(n);
      INFO("trial " << trial << " n " << n);
      REQUIRE(y <= previous * (1 + 1e-14));
      previous = y;
    }
  }
}

TEST_CASE("strategy validation names the rule", "[law][errors]") {
  Model m = one_pool_model(1e6, -0.1, 2.0);
  m.pools.push_back({"q", 1e6, -0.1, 2.0, std::nullopt});
  CHECK_THROWS_WITH(Mixture(m, {{1.0}, {}}), Catch::Contains("expected 2 values"));
  CHECK_THROWS_WITH(Mixture(m, {{1.0, 1.5}, {}}), Catch::Contains("fractions[1] (q) must be in [0, 1]"));
  CHECK_THROWS_WITH(Mixture(m, {{0.0, 0.0}, {}}), Catch::Contains("keeps no data"));
  CHECK_THROWS_WITH(Mixture(m, {{1.0, 0.0}, {0.5, 0.5}}), Catch::Contains("keeps no data (fraction 0)"));
  CHECK_THROWS_WITH(Mixture(m, {{1.0, 1.0}, {0.5, 0.6}}), Catch::Contains("must sum to 1"));
  CHECK_THROWS_AS(predict_error(m, {}, 0.0), InputError);
  CHECK_THROWS_AS(predict_error(m, {}, std::nan("")), InputError);
  m.pools[1].b = 0.1;
  CHECK_THROWS_WITH(validate(m), Catch::Contains("pools[1].b must be negative, got 0.1"));
}

TEST_CASE("effective-data law: the closed form for one pool at 1e18 samples, a clean error past the walk bound", "[law][effective]") {
  // One pool: beta is b on every segment, so y = E^b + d with E = a/N0 * P * sum_k delta^k, a
  // geometric series: E = a P / N0 / (1 - delta) once delta^K has vanished (K = 1e12 passes).
  Model m = one_pool_model(1e6, -0.12, 1e4, 0.025, 0.1);
  m.params.law = LawKind::effective_data;
  const double delta = std::pow(0.5, 1.0 / 1e4);
  const double e = 0.025 * 1e6 / 1e5 / (1 - delta);
  CHECK(rel_diff(predict_error(m, {}, 1e18), std::pow(e, -0.12) + 0.1) <= 1e-11);
  // tau_hat = 1e6 on 1e12 passes: the same closed form (the law telescopes for one pool, no walk);
  // delta^K = 0.5^(1e6) = 0.
  m.pools[0].tau_passes = 1e6;
  const double one_minus_delta = -std::expm1(std::log(0.5) / 1e6);
  CHECK(rel_diff(predict_error(m, {}, 1e18), std::pow(0.025 * 1e6 / 1e5 / one_minus_delta, -0.12) + 0.1) <= 1e-11);
  // Two pools of different b must walk their segments: past the bound (tau_hat = 2e6 on 5e11
  // passes) it stops with a clear numerical error, not a hang.
  m.pools.push_back({"other", 1e6, -0.2, 1e6, std::nullopt});
  CHECK_THROWS_WITH(predict_error(m, {}, 1e18), Catch::Contains("effective-data law: budget 1e18 needs more than"));
}

TEST_CASE("effective-data law: a tiny pool next to a large one matches the full segment walk", "[law][effective]") {
  // The implementation retires a pool once its remaining passes are negligible; the reference
  // below walks every merged breakpoint of spec §3 in long double.
  Model m = one_pool_model(1e3, -0.2, 2.0, 0.05, 0.05);
  m.params.law = LawKind::effective_data;
  m.pools.push_back({"big", 1e7, -0.1, 5.0, std::nullopt});
  const Strategy s{{1, 1}, {0.3, 0.7}};
  const double n = 2e9;
  const long double w[2] = {0.3L, 0.7L}, b[2] = {-0.2L, -0.1L};
  const long double period[2] = {1e3L / 0.3L, 1e7L / 0.7L};
  // tau_hat_i = tau_i U~ / S_i with the effective mix size U~ = 1 / sum w_i^2 / u_i (spec §2).
  const long double mix = 1.0L / (w[0] * w[0] / 1e3L + w[1] * w[1] / 1e7L);
  const long double tau_hat[2] = {2.0L * mix / 1e3L, 5.0L * mix / 1e7L};
  const long double scale = 0.05L / 1e5L;
  long double k[2] = {0, 0}, next[2] = {period[0], period[1]};
  long double pos = period[0];
  long double e = scale * pos;
  long double log_y = (w[0] * b[0] + w[1] * b[1]) * std::log(e);
  while (pos < n) {
    for (int i = 0; i < 2; ++i)
      if (next[i] <= pos) {
        k[i] += 1;
        next[i] = (k[i] + 1) * period[i];
      }
    long double q[2], qs = 0, qb = 0;
    for (int i = 0; i < 2; ++i) {
      q[i] = w[i] * std::pow(0.5L, k[i] / tau_hat[i]);
      qs += q[i];
      qb += q[i] * b[i];
    }
    if (qs == 0) break;
    const long double nxt = std::min<long double>(std::min(next[0], next[1]), n);
    const long double inc = scale * (nxt - pos) * qs;
    log_y += qb / qs * std::log1p(inc / e);
    e += inc;
    pos = nxt;
  }
  CHECK(rel_diff(predict_error(m, s, n), (double)(std::exp(log_y) + 0.05L)) <= 1e-12);
}

TEST_CASE("a half-life so short that ln2/tau_hat overflows is no crash (found by fuzzing)", "[law][extreme]") {
  // tau_hat = tau (U~/S)^kappa with U~/S = 2e-18 (two samples kept of a 1e18-sample pool) and
  // kappa = 20: 1e-3 * 1e-351 underflows to 0; ln 2 / tau_hat would be inf (the kernel caps it).
  Model m = one_pool_model(1e18, -0.1, 1e-3, 0.025, 0.0);
  m.pools.push_back({"q", 1e6, -0.1, 1.0, std::nullopt});
  m.params.tau_scaling = 20.0;
  for (const LawKind law : {LawKind::utility, LawKind::effective_data}) {
    m.params.law = law;
    const Strategy s{{2e-18, 0.0}, {}};
    // One pool of 2 samples: the first pass ends at once and nothing more is learned, so the error
    // is the power law at that first breakpoint, (a P / N0)^b, at any budget past it.
    const double p = 1e18 * 2e-18;
    const double want = std::pow(0.025 * p / 1e5, -0.1);
    INFO(to_string(law));
    CHECK(rel_diff(predict_error(m, s, 1e9), want) <= 1e-14);
  }
}

TEST_CASE("a used pool keeps at least one sample; a pool has at least one", "[law][errors]") {
  // Spec §2: u_i = f_i S_i >= 1 for every pool with w_i > 0 (issue 11: a sliver kept at 0.0128
  // samples and drawn at weight 1e-5 used to shrink d for the whole mix).
  Model m = one_pool_model(12.8e6, -0.1, 2.0);
  m.pools.push_back({"q", 12.8e6, -0.1, 2.0, std::nullopt});
  CHECK_THROWS_WITH(Mixture(m, {{1.0, 1e-9}, {0.99999, 0.00001}}),
                    "fractions[1] (q) keeps 0.0128 samples (f S = 1e-09 x 12800000), but a used pool must keep at least "
                    "one sample (f_i S_i >= 1); use fraction 0 or weight 0 to leave it out");
  CHECK_THROWS_AS(Mixture(m, {{1.0, 1e-9}, {}}), InputError);    // uniform weights use it too
  CHECK_NOTHROW(Mixture(m, {{1.0, 1e-9}, {1.0, 0.0}}));          // weight 0: not used
  CHECK_NOTHROW(Mixture(m, {{1.0, 1.0 / 12.8e6}, {0.5, 0.5}}));  // exactly one sample
  m.pools[1].size_samples = 0.5;
  CHECK_THROWS_WITH(validate(m), "pools[1].size must be a finite number of at least 1 sample, got 0.5");
  m.pools[1].size_samples = 1e300;  // found by fuzz_kernel: sums of sizes overflowed in the subset kernel
  CHECK_THROWS_WITH(validate(m), "pools[1].size must be at most 1e+18 samples, got 1e+300");
}
