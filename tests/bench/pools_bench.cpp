// How the mixture search grows with the number of pools, for scripts/bench.sh (not a test: timings
// are not asserted here). docs/performance.md "Growth with pools" shows its table.
//
//   qqt_pools_bench growth [BUDGETS] [REFERENCE_STARTS] [SEEDS]
//       synthetic configs of 4, 8, 16, 32 and 64 pools (SEEDS seeded configs each, default 1): per
//       budget the time and evaluations of the default (cold) mixture search, and its gap to a
//       reference optimum found by the derivative-free multistart with REFERENCE_STARTS (default
//       100) random starts, at BUDGETS (default 6) budgets from 100M to 30B.
//   qqt_pools_bench sweep POOLS BUDGETS
//       a sweep of BUDGETS budgets from 1M to 100B over a synthetic config of POOLS pools, every
//       budget searched cold and warm-started from its neighbour (optimize_mixture_from): time,
//       evaluations and the largest gap between the two.
// Times are CPU times of this process (std::clock; one thread), so a busy machine inflates them less.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "qqt/law.hpp"
#include "qqt/mixture_search.hpp"
#include "qqt/plan.hpp"
#include "test_support.hpp"

namespace {

double cpu_s() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// The pool counts of the growth table, and the relative gap that counts as "at the reference".
constexpr std::size_t kGrowthPools[] = {4, 8, 16, 32, 64};
constexpr double kAtReferenceRelTol = 1e-6;

void growth(int budget_count, int reference_starts, int seed_count) {
  const qqt::Constraints none;
  const qqt::MixtureSearchOptions options;
  qqt::MixtureSearchOptions reference = options;
  reference.random_starts = reference_starts;
  reference.polished_starts = 10;
  reference.structured_min_pools = 1000000;  // the derivative-free multistart at every pool count
  const auto budgets = qqt::test::log_budgets(100e6, 30e9, budget_count);
  fmt::print(
      "mixture search vs pools: {} budgets 100M..30B x {} seeded configs, default options (segment descent from {} pools);\n"
      "reference: derivative-free multistart, {} random starts, 10 polished. gap = (search - reference) / reference, < 0: lower\n",
      budget_count, seed_count, options.structured_min_pools, reference_starts);
  fmt::print("{:>5} {:>14} {:>14} {:>12} {:>12} {:>12} {:>14}\n", "pools", "ms per budget", "evaluations", "worst gap", "best gap",
             "within 1e-6", "reference ms");
  for (const std::size_t pools : kGrowthPools) {
    double time_s = 0.0;
    double reference_s = 0.0;
    double evaluations = 0.0;
    double worst = -INFINITY;
    double best = INFINITY;
    int within = 0;
    int cases = 0;
    for (int seed = 0; seed < seed_count; ++seed) {
      const qqt::Model model = qqt::test::synthetic_pools(pools, 20260 + pools + 1000 * static_cast<std::uint64_t>(seed));
      for (double n : budgets) {
        const std::vector<qqt::Strategy> seeds{qqt::test::best_topk_level(model, n)};
        double t0 = cpu_s();
        const auto found = qqt::optimize_mixture(model, none, n, seeds, options);
        time_s += cpu_s() - t0;
        t0 = cpu_s();
        const auto ref = qqt::optimize_mixture(model, none, n, seeds, reference);
        reference_s += cpu_s() - t0;
        evaluations += static_cast<double>(found->summary.evaluations);
        const double gap = (found->error - ref->error) / ref->error;  // > 0: the default search is worse
        worst = std::max(worst, gap);
        best = std::min(best, gap);
        within += gap <= kAtReferenceRelTol;
        ++cases;
      }
    }
    fmt::print("{:>5} {:>14.2f} {:>14.0f} {:>12.2e} {:>12.2e} {:>9}/{:<2} {:>14.1f}\n", pools, 1e3 * time_s / cases, evaluations / cases,
               worst, best, within, cases, 1e3 * reference_s / cases);
  }
}

void sweep(std::size_t pools, int budget_count) {
  const qqt::Constraints none;
  const qqt::MixtureSearchOptions options;
  const qqt::Model model = qqt::test::synthetic_pools(pools, 20260 + pools);
  const auto budgets = qqt::test::log_budgets(1e6, 100e9, budget_count);
  double cold_s = 0.0, warm_s = 0.0, cold_evals = 0.0, warm_evals = 0.0, worst = -INFINITY, best = INFINITY;
  std::optional<qqt::Strategy> previous;
  double previous_n = 0.0;
  for (double n : budgets) {
    const std::vector<qqt::Strategy> seeds{qqt::test::best_topk_level(model, n)};
    const double cold_before = cold_s;
    double t0 = cpu_s();
    const auto cold = qqt::optimize_mixture(model, none, n, seeds, options);
    cold_s += cpu_s() - t0;
    t0 = cpu_s();
    const auto warm = previous ? qqt::optimize_mixture_from(model, none, n, seeds, *previous, previous_n, options) : cold;
    warm_s += previous ? cpu_s() - t0 : cpu_s() - t0 + (cold_s - cold_before);
    cold_evals += static_cast<double>(cold->summary.evaluations);
    warm_evals += static_cast<double>(warm->summary.evaluations);
    const double gap = (warm->error - cold->error) / cold->error;  // > 0: warm worse
    worst = std::max(worst, gap);
    best = std::min(best, gap);
    previous = warm->strategy;
    previous_n = n;
  }
  fmt::print("sweep, {} pools, {} budgets 1M..100B\n", pools, budget_count);
  fmt::print("  cold: {:.3f} ms per budget, {:.0f} evaluations\n", 1e3 * cold_s / budget_count, cold_evals / budget_count);
  fmt::print("  warm: {:.3f} ms per budget, {:.0f} evaluations\n", 1e3 * warm_s / budget_count, warm_evals / budget_count);
  fmt::print("  relative gap warm - cold: worst {:.2e}, best {:.2e} (< 0: warm found a lower error)\n", worst, best);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "growth";
  if (mode == "growth") {
    growth(argc > 2 ? std::stoi(argv[2]) : 6, argc > 3 ? std::stoi(argv[3]) : 100, argc > 4 ? std::stoi(argv[4]) : 1);
  } else if (mode == "sweep") {
    sweep(argc > 2 ? std::stoul(argv[2]) : 4, argc > 3 ? std::stoi(argv[3]) : 100);
  } else {
    fmt::print(stderr, "usage: qqt_pools_bench growth [BUDGETS] [REFERENCE_STARTS] | sweep POOLS BUDGETS\n");
    return 2;
  }
  return 0;
}
