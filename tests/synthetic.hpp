// Synthetic observations for the fit tests: runs generated from known parameters, so a fit has a
// known right answer (the parameters), independent of the fit's own output.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "qqt/law.hpp"
#include "qqt/observations.hpp"
#include "random.hpp"

namespace qqt::test {

/// One run per pool alone at each number of passes over that pool, error predicted by `truth` and
/// multiplied by (1 + noise * N(0, 1)) with a seeded generator.
inline Observations runs_per_pool(const Model& truth, const std::vector<double>& passes, double noise = 0.0, std::uint64_t seed = 1) {
  SplitMix64 rng(seed);
  Observations o;
  o.source = "synthetic";
  for (std::size_t i = 0; i < truth.pools.size(); ++i) {
    for (const double k : passes) {
      Observation row;
      row.pool = truth.pools[i].name;
      row.pools = {i};
      row.samples_seen = k * truth.pools[i].size_samples;
      row.error = predict_error(truth, strategy_of(row, truth), row.samples_seen);
      if (noise > 0) row.error *= 1.0 + noise * rng.normal();
      o.rows.push_back(row);
    }
  }
  return o;
}

/// `truth` with a, d, b and tau unknown (NaN), as a config without parameters loads.
inline Model without_parameters(Model m) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  m.params.a = nan;
  m.params.d = nan;
  for (auto& p : m.pools) {
    p.b = nan;
    p.tau_passes = nan;
  }
  return m;
}

}  // namespace qqt::test
