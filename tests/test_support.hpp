// Helpers shared by the tests: where the test data is, and named tolerances.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "qqt/law.hpp"
#include "qqt/strategy.hpp"

namespace qqt::test {

/// A file under the repository's tests/data/ (each source has a README.md saying where it came from).
inline std::string data_path(const std::string& relative) { return std::string(QQT_TEST_DATA_DIR) + "/" + relative; }

/// Spec §5: agreement with the law vectors, relative.
inline constexpr double kVectorRelTol = 1e-12;
/// Spec §5: the closed-form tail against the exact pass-by-pass sum, relative.
inline constexpr double kTailRelTol = 1e-12;
/// The reference planner's table is printed to 0.01 percentage points.
inline constexpr double kTableAbsTol = 0.005;
/// Crossovers are reported to 1e-6 relative (spec §6).
inline constexpr double kCrossoverRelTol = 1e-6;

/// A warm-started mixture search (optimize_mixture_from, --warm-chain) against the cold one at the
/// same budget: measured within 2.4e-12 relative on sweeps of the default config and pools-8 with
/// the entry and kink probes (docs/search.md "Warm starts"); warm may also be lower (the cold
/// multistart misses basins too).
inline constexpr double kWarmColdRelTol = 1e-9;

/// `count` budgets from lo to hi, log-spaced and rounded to whole samples (as --budgets FROM:TO:N).
inline std::vector<double> log_budgets(double lo, double hi, int count) {
  std::vector<double> out;
  if (count == 1) return {std::round(lo)};
  for (int i = 0; i < count; ++i) out.push_back(std::round(std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (count - 1))));
  return out;
}

/// A synthetic config of `count` pools from `seed` (the pool-growth benchmark's, tests/bench/
/// pools_bench.cpp): sizes log-uniform in [2M, 50M], b in [-0.2, -0.06] (best first), tau in [1.5, 10]
/// passes; a = 0.025, d = 0.1 and N0 as the default config; utility law.
inline Model synthetic_pools(std::size_t count, std::uint64_t seed, Irreducible irreducible = Irreducible::inside, double kappa = 1.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Model m;
  m.params.law = LawKind::utility;
  m.params.irreducible = irreducible;
  m.params.tau_scaling = kappa;
  m.params.a = 0.025;
  m.params.d = 0.1;
  std::vector<double> bs;
  for (std::size_t i = 0; i < count; ++i) bs.push_back(-0.2 + 0.14 * unit(rng));
  std::sort(bs.begin(), bs.end());
  for (std::size_t i = 0; i < count; ++i) {
    const double size = std::exp(std::log(2e6) + (std::log(50e6) - std::log(2e6)) * unit(rng));
    m.pools.push_back({"p" + std::to_string(i + 1), std::round(size), bs[i], 1.5 + 8.5 * unit(rng), std::nullopt});
  }
  return m;
}

/// The mixture family's strategy at weights w by the exact law: each used pool keeps
/// u_i = min(S_i, n w_i) (only seen data, the planning rule) or all of itself.
inline double family_error(const Model& m, const std::vector<double>& w, double n, bool only_seen = true) {
  std::vector<double> f(w.size(), 0.0);
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] > 0) f[i] = only_seen ? std::min(1.0, n * w[i] / m.pools[i].size_samples) : 1.0;
  }
  return Mixture(m, Strategy{f, w}).error(n);
}

/// The best top-k level at n: the seed the mixture search gets from the topk family.
inline Strategy best_topk_level(const Model& m, double n) {
  Strategy best;
  double best_error = HUGE_VAL;
  for (const auto& level : topk_strategies(m)) {
    const double e = Mixture(m, level.strategy).error(n);
    if (e < best_error) {
      best_error = e;
      best = level.strategy;
    }
  }
  return best;
}

inline double rel_diff(double got, double want) {
  const double scale = want == 0 ? 1.0 : (want < 0 ? -want : want);
  const double diff = got - want;
  return (diff < 0 ? -diff : diff) / scale;
}

}  // namespace qqt::test
