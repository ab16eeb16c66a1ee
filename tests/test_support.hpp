// Helpers shared by the tests: where the test data is, and named tolerances.
#pragma once

#include <string>

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

inline double rel_diff(double got, double want) {
  const double scale = want == 0 ? 1.0 : (want < 0 ? -want : want);
  const double diff = got - want;
  return (diff < 0 ? -diff : diff) / scale;
}

}  // namespace qqt::test
