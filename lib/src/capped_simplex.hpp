// Internal: the Euclidean projection onto a capped simplex {sum w = total, lo_i <= w_i <= hi_i}, the
// one used by the mixture searches (the derivative-free search's weight decoding, segment descent's
// local runs).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace qqt::detail {

/// w_i = clamp(z_i - theta, lo(i), hi(i)) with theta such that sum w = total: the point of the capped
/// simplex nearest to z. sum_i clamp(z_i - theta, ...) is non-increasing in theta and linear between
/// the breakpoints z_i - hi_i and z_i - lo_i, so theta is found exactly on the piece where it crosses
/// `total` (sorted breakpoints, O(m^2) sums at worst; m is a pool count). If no theta reaches `total`
/// (sum lo > total or sum hi < total) the nearest end is used. `lo` and `hi` map a pool index to its
/// bounds (callers hold some pools at 0).
template <class Lo, class Hi>
void project_to_capped_simplex(const double* z, std::size_t m, Lo lo, Hi hi, double total, std::vector<double>& w) {
  auto total_at = [&](double theta) {
    double s = 0.0;
    for (std::size_t i = 0; i < m; ++i) s += std::clamp(z[i] - theta, lo(i), hi(i));
    return s;
  };
  std::vector<double> breaks;
  breaks.reserve(2 * m);
  for (std::size_t i = 0; i < m; ++i) {
    breaks.push_back(z[i] - hi(i));
    breaks.push_back(z[i] - lo(i));
  }
  std::sort(breaks.begin(), breaks.end());
  double theta = breaks.back();
  double previous_theta = breaks.front();
  double previous_total = total_at(previous_theta);
  if (previous_total <= total) {
    theta = previous_theta;
  } else {
    for (std::size_t k = 1; k < breaks.size(); ++k) {
      const double t = total_at(breaks[k]);
      if (t <= total) {
        theta = previous_total == t ? breaks[k]
                                    : previous_theta + (previous_total - total) / (previous_total - t) * (breaks[k] - previous_theta);
        break;
      }
      previous_theta = breaks[k];
      previous_total = t;
    }
  }
  w.resize(m);
  for (std::size_t i = 0; i < m; ++i) w[i] = std::clamp(z[i] - theta, lo(i), hi(i));
}

}  // namespace qqt::detail
