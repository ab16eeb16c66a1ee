// Law evaluation throughput, for scripts/bench.sh (not a test: timings are not asserted here).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <functional>

#include "qqt/config.hpp"
#include "qqt/law.hpp"

namespace {

// Runs `body` repeatedly for about `seconds` and prints evaluations per second and time per call.
void measure(const char* name, const std::function<double()>& body, double seconds = 0.5) {
  using clock = std::chrono::steady_clock;
  double sink = 0.0;
  double calls = 0;
  const auto start = clock::now();
  double elapsed = 0.0;
  while (elapsed < seconds) {
    for (int i = 0; i < 64; ++i) sink += body();
    calls += 64;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  fmt::print("{:<58} {:>12.0f} evals/s {:>10.3f} us/eval  (checksum {:.6g})\n", name, calls / elapsed, 1e6 * elapsed / calls, sink / calls);
}

}  // namespace

int main() {
  const qqt::Config def = qqt::default_config();
  const qqt::Strategy top4{{1, 1, 1, 1}, {}};
  measure("utility, default top-4 at 640M, one-shot (new Mixture)", [&] { return qqt::predict_error(def.model, top4, 640e6); });
  const qqt::Mixture mix(def.model, top4);
  double n = 1e6;
  measure("utility, default top-4, reused Mixture, budgets 1M..100B", [&] {
    n = n > 1e11 ? 1e6 : n * 1.01;
    return mix.error(n);
  });

  qqt::Model tail;
  tail.params.a = 0.025;
  tail.params.d = 0.1;
  tail.pools = {{"p", 1e6, -0.12, 400.0, std::nullopt}};
  measure("utility, 1e15 samples, tau 400, 1M pool, one-shot", [&] { return qqt::predict_error(tail, {}, 1e15); });
  tail.pools[0].tau_passes = 1e6;
  measure("utility, 1e18 samples, tau 1e6, 1M pool, one-shot", [&] { return qqt::predict_error(tail, {}, 1e18); });

  qqt::Model eff = def.model;
  eff.params.law = qqt::LawKind::effective_data;
  measure("effective-data, default top-4 at 640M, one-shot", [&] { return qqt::predict_error(eff, top4, 640e6); });
  eff.pools = {{"p", 1e6, -0.12, 1e4, std::nullopt}};
  measure(
      "effective-data, 1e18 samples, tau 1e4, 1M pool, one-shot", [&] { return qqt::predict_error(eff, {}, 1e18); }, 2.0);
  return 0;
}
