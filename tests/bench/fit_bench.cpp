// Benchmarks of the fit (scripts/bench.sh; numbers in docs/fit.md). Not a test: it prints.
//   qqt_fit_bench grid                 fit vs the reference's 100,000-point random grid over (a, b, tau)
//   qqt_fit_bench recovery             noise-free recovery of the built-in config, per parameter
//   qqt_fit_bench coverage SETS FITS   coverage of the 90% bootstrap intervals over SETS noisy data sets
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "qqt/bootstrap.hpp"
#include "qqt/config.hpp"
#include "qqt/fit.hpp"
#include "synthetic.hpp"

using namespace qqt;
using qqt::test::runs_per_pool;
using qqt::test::without_parameters;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <typename F>
double median_seconds(int runs, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(seconds_since(t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

double rel(double got, double want) { return std::abs(got - want) / std::abs(want); }

int grid() {
  // The reference's setting: one bucket, d held at 0.1, a search over (a, b, tau). Same data, same
  // objective, same box (fit()'s start box), same evaluation code.
  Model truth = default_config().model;
  truth.pools.resize(1);
  const Observations runs = runs_per_pool(truth, {2, 4, 6, 8, 10});
  const Model start = without_parameters(truth);
  FitOptions o;
  o.fixed = {{"d", 0.1}};
  FitResult fitted, searched;
  const double t_fit = median_seconds(51, [&] { fitted = fit(start, runs, o); });
  const double t_grid = median_seconds(5, [&] { searched = random_search(start, runs, o, 100'000); });
  fmt::print("one pool (top 0-10% of the built-in config), 5 noise-free runs at 2-10 passes, d held at 0.1\n");
  fmt::print("{:<34} {:>14} {:>12} {:>12} {:>10} {:>10} {:>10}\n", "method", "objective", "evaluations", "median ms", "a", "b", "tau");
  auto row = [](const char* name, const FitResult& r, double t) {
    fmt::print("{:<34} {:>14.4g} {:>12} {:>12.3f} {:>10.5g} {:>10.5g} {:>10.5g}\n", name, r.summary.objective, r.summary.evaluations,
               1e3 * t, r.model.params.a, r.model.pools[0].b, r.model.pools[0].tau_passes);
  };
  row("qqt fit (multistart LM + BOBYQA)", fitted, t_fit);
  row("random grid, 100,000 points", searched, t_grid);
  fmt::print("truth: a 0.025, b -0.16, tau 6.7273; fit is {:.0f}x faster, objective {:.3g} vs {:.3g}\n", t_grid / t_fit,
             fitted.summary.objective, searched.summary.objective);

  // The whole built-in config (10 parameters) and the same with BOBYQA local runs, for scale.
  const Model all = default_config().model;
  const Observations all_runs = runs_per_pool(all, {2, 4, 6, 8, 10});
  FitResult r;
  const double t_all = median_seconds(21, [&] { r = fit(without_parameters(all), all_runs, FitOptions{}); });
  FitOptions bobyqa;
  bobyqa.local = FitOptions::Local::bobyqa;
  FitResult rb;
  const double t_bobyqa = median_seconds(5, [&] { rb = fit(without_parameters(all), all_runs, bobyqa); });
  fmt::print("\nfour pools (the built-in config), 20 runs, 10 parameters:\n");
  fmt::print("  Levenberg-Marquardt local runs: {:.2f} ms, {} evaluations, objective {:.3g}\n", 1e3 * t_all, r.summary.evaluations,
             r.summary.objective);
  fmt::print("  BOBYQA local runs:              {:.2f} ms, {} evaluations, objective {:.3g}\n", 1e3 * t_bobyqa, rb.summary.evaluations,
             rb.summary.objective);
  return 0;
}

int recovery() {
  const Model truth = default_config().model;
  const Observations runs = runs_per_pool(truth, {2, 4, 6, 8, 10});
  const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
  fmt::print("noise-free recovery, built-in config, 4 pools x runs at 2, 4, 6, 8, 10 passes (20 rows, 10 parameters)\n");
  fmt::print("objective {:.3g}, {} evaluations, {} local runs, stopped: {}\n", r.summary.objective, r.summary.evaluations,
             r.summary.local_runs, r.summary.stopped);
  fmt::print("{:<16} {:>12} {:>22} {:>10}\n", "parameter", "truth", "fitted", "rel. error");
  double worst = 0;
  auto row = [&](const std::string& name, double want, double got) {
    worst = std::max(worst, rel(got, want));
    fmt::print("{:<16} {:>12} {:>22} {:>10.2e}\n", name, want, got, rel(got, want));
  };
  row("a", truth.params.a, r.model.params.a);
  row("d", truth.params.d, r.model.params.d);
  for (std::size_t i = 0; i < truth.pools.size(); ++i) {
    row(fmt::format("b[{}]", i + 1), truth.pools[i].b, r.model.pools[i].b);
    row(fmt::format("tau[{}]", i + 1), truth.pools[i].tau_passes, r.model.pools[i].tau_passes);
  }
  fmt::print("worst relative error {:.2e} (target 1e-6)\n", worst);
  return 0;
}

int coverage(int sets, int fits) {
  const Model truth = default_config().model;
  const std::vector<double> passes = {0.125, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 10};
  std::vector<int> hits(10, 0);
  std::vector<double> width(10, 0.0);
  const char* names[] = {"a", "d", "b[1]", "tau[1]", "b[2]", "tau[2]", "b[3]", "tau[3]", "b[4]", "tau[4]"};
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < sets; ++k) {
    const Observations runs = runs_per_pool(truth, passes, 0.01, 1000 + static_cast<std::uint64_t>(k));
    const FitResult r = fit(without_parameters(truth), runs, FitOptions{});
    BootstrapOptions b;
    b.resamples = fits;
    const BootstrapRecord boot = bootstrap(r, runs, FitOptions{}, b).record.value();
    std::vector<std::pair<Interval, double>> checks = {{boot.a, truth.params.a}, {boot.d, truth.params.d}};
    for (std::size_t i = 0; i < 4; ++i) {
      checks.push_back({boot.b[i], truth.pools[i].b});
      checks.push_back({boot.tau[i], truth.pools[i].tau_passes});
    }
    for (std::size_t p = 0; p < checks.size(); ++p) {
      hits[p] += checks[p].first.lo <= checks[p].second && checks[p].second <= checks[p].first.hi;
      width[p] += (checks[p].first.hi - checks[p].first.lo) / std::abs(checks[p].second);
    }
  }
  const double t = seconds_since(t0);
  fmt::print(
      "coverage of the 90% bootstrap intervals: {} data sets (10 runs per pool at 0.125-10 passes, error x (1 + 0.01 N(0,1))),\n"
      "{} bootstrap fits each; {:.1f} s per data set (fit + bootstrap)\n",
      sets, fits, t / sets);
  fmt::print("{:<8} {:>9} {:>22}\n", "param", "coverage", "mean width / truth");
  int total = 0;
  for (std::size_t p = 0; p < 10; ++p) {
    total += hits[p];
    fmt::print("{:<8} {:>8.0f}% {:>22.3f}\n", names[p], 100.0 * hits[p] / sets, width[p] / sets);
  }
  fmt::print("all      {:>8.1f}%\n", 100.0 * total / (10.0 * sets));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "grid";
  if (mode == "grid") return grid();
  if (mode == "recovery") return recovery();
  if (mode == "coverage") return coverage(argc > 2 ? std::stoi(argv[2]) : 20, argc > 3 ? std::stoi(argv[3]) : 200);
  fmt::print(stderr, "usage: qqt_fit_bench grid | recovery | coverage [SETS [FITS]]\n");
  return 2;
}
