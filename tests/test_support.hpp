// Helpers shared by the tests: where the test data is, and named tolerances.
#pragma once

#include <cmath>
#include <string>
#include <vector>

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
  for (int i = 0; i < count; ++i) out.push_back(std::round(std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (count - 1))));
  return out;
}

inline double rel_diff(double got, double want) {
  const double scale = want == 0 ? 1.0 : (want < 0 ? -want : want);
  const double diff = got - want;
  return (diff < 0 ? -diff : diff) / scale;
}

}  // namespace qqt::test
