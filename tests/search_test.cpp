// search.cpp <-> search_test.cpp: the families together, constraints in every reported strategy,
// infeasible requests, frontiers against brute force, determinism for any thread count.
#include "qqt/search.hpp"

#include <fmt/format.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/output.hpp"
#include "qqt/subsets.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

/// "Never worse" comparisons between families: equal up to rounding of the same strategy.
constexpr double kFamilyRelTol = 1e-12;

Model load(const std::string& path) { return load_config_file(std::string(QQT_SOURCE_DIR) + "/" + path).model; }

PlanResult run(const Model& model, std::vector<double> budgets, SearchOptions options = {}) {
  PlanOptions p;
  p.budgets_samples = std::move(budgets);
  return search_plan(model, p, options);
}

const Candidate* family(const BudgetPlan& b, Family which) {
  for (const auto& f : b.families) {
    if (f.family == which) return f.best ? &*f.best : nullptr;
  }
  return nullptr;
}

// The candidate's numbers are the law's for its strategy.
void check_candidate(const Model& model, const Candidate& c, double n) {
  const Mixture mix(model, Strategy{c.info->fractions, c.info->weights});
  CHECK(rel_diff(mix.error(n), c.error) <= 1e-14);  // weights resolved once more: rounding only
  CHECK(c.accuracy == 1 - c.error);
  CHECK(rel_diff(mix.unique_samples(), c.unique_samples()) <= 1e-15);
  CHECK(rel_diff(c.passes, n / c.unique_samples()) <= 1e-15);
}

void check_constraints(const Model& model, const Constraints& c, const PlanResult& r) {
  for (const auto& b : r.budgets) {
    const double n = b.budget_samples;
    for (const auto& f : b.families) {
      if (!f.best) continue;
      INFO(to_string(f.family) << " at " << n << ": " << f.best->label());
      const Mixture mix(model, Strategy{f.best->info->fractions, f.best->info->weights});
      CHECK(violation(c, model, mix, n).empty());
      check_candidate(model, *f.best, n);
    }
    for (const auto& cand : b.candidates) {
      CHECK(cand.feasible == violation(c, model, Mixture(model, Strategy{cand.info->fractions, cand.info->weights}), n).empty());
    }
    if (b.candidates[b.best].feasible) {
      for (const auto& cand : b.candidates) {
        if (cand.feasible) CHECK(b.candidates[b.best].error <= cand.error);
      }
    }
  }
}

}  // namespace

TEST_CASE("family lists", "[search]") {
  const Model model = default_config().model;
  CHECK(parse_families("mixture,topk", model) == std::vector<Family>{Family::topk, Family::mixture});
  CHECK(parse_families("all", model) == std::vector<Family>{Family::topk, Family::subsets, Family::threshold, Family::mixture});
  CHECK(parse_families("threshold, threshold", model) == std::vector<Family>{Family::threshold});
  CHECK(default_families(model) == parse_families("all", model));
  CHECK_THROWS_WITH(parse_families("topk,mixtures", model),
                    "--search: 'mixtures' is not a search family (did you mean 'mixture'?); use topk, subsets, threshold, mixture or all");
  CHECK_THROWS_WITH(parse_families("topk,,mixture", model), Catch::Contains("'' is not a search family"));
  Model big = model;
  for (int i = 0; i < 17; ++i) big.pools.push_back({"x" + std::to_string(i), 1e6, -0.1, 2.0, std::nullopt});
  CHECK(default_families(big) == std::vector<Family>{Family::topk, Family::threshold, Family::mixture});
  CHECK(parse_families("all", big) == default_families(big));
  CHECK_THROWS_WITH(parse_families("subsets", big), Catch::Contains("handles at most 20 pools; the config has 21"));
  SearchOptions o;
  o.threads = 0;
  CHECK_THROWS_WITH(validate(o, model), "--threads must be in [1, 256], got 0");
  CHECK(default_threads() >= 1);
  CHECK(default_threads() <= 2);
}

TEST_CASE("every family at every budget; the mixture is never worse than the others", "[search]") {
  for (const char* path : {"configs/datacomp-medium-tmars-imagenet.yaml", "tests/data/pools-8.yaml",
                           "configs/datacomp-medium-tmars-imagenet-effective-data.yaml"}) {
    const Model model = load(path);
    const std::vector<double> budgets{1e7, 3.2e7, 1.28e8, 6.4e8, 5e9};
    const PlanResult r = run(model, budgets);
    REQUIRE(r.search);
    CHECK(r.search->families == std::vector<Family>{Family::topk, Family::subsets, Family::threshold, Family::mixture});
    for (const auto& b : r.budgets) {
      INFO(path << " at " << b.budget_samples);
      REQUIRE(b.families.size() == 4);
      const Candidate* top = family(b, Family::topk);
      const Candidate* sub = family(b, Family::subsets);
      const Candidate* th = family(b, Family::threshold);
      const Candidate* mix = family(b, Family::mixture);
      REQUIRE((top && sub && th && mix));
      CHECK(top->strategy() == b.best_candidate().strategy());
      CHECK(sub->error <= top->error * (1 + kFamilyRelTol));
      CHECK(th->error <= top->error * (1 + kFamilyRelTol));
      for (const Candidate* other : {top, sub, th}) CHECK(mix->error <= other->error * (1 + kFamilyRelTol));
      for (const Candidate* c : {top, sub, th, mix}) check_candidate(model, *c, b.budget_samples);
      // The overall best: the lowest error, earlier families winning ties within tie_rel_tol.
      REQUIRE(b.best_family);
      for (const auto& f : b.families) CHECK(b.overall_best().error <= f.best->error * (1 + SearchOptions{}.tie_rel_tol));
      REQUIRE(b.families[3].summary);
      CHECK(b.families[3].summary->error == mix->error);
      CHECK(mix->strategy() == "mixture");
    }
  }
}

TEST_CASE("the subsets family is the brute-force best subset", "[search]") {
  const Model model = load("tests/data/pools-8.yaml");
  SearchOptions o;
  o.families = {Family::subsets};
  const std::vector<double> budgets{3.2e7, 6.4e8, 2e10};
  const PlanResult r = run(model, budgets, o);
  for (std::size_t j = 0; j < budgets.size(); ++j) {
    double best = 1e300;
    std::string id;
    for (PoolMask mask = 1; mask < 256; ++mask) {
      const NamedStrategy s = subset_strategy(model, mask);
      const double y = predict_error(model, s.strategy, budgets[j]);
      if (y < best) {
        best = y;
        id = s.id;
      }
    }
    const Candidate* got = family(r.budgets[j], Family::subsets);
    REQUIRE(got);
    CHECK(got->strategy() == id);
    CHECK(rel_diff(got->error, best) <= kFamilyRelTol);
  }
}

TEST_CASE("ties go to the simpler family", "[search]") {
  // One pool: every family's best is the pool itself (the mixture keeps only what it draws below one
  // pass, with the same error).
  Model one;
  one.params.a = 0.025;
  one.params.d = 0.1;
  one.pools = {{"only", 12.8e6, -0.15, 5.0, std::nullopt}};
  const PlanResult r = run(one, {3.2e6, 6.4e8});
  for (const auto& b : r.budgets) {
    CHECK(b.overall_family() == Family::topk);
    CHECK(b.overall_best().strategy() == "top-1");
  }
}

TEST_CASE("constraints hold in every reported strategy", "[search][constraints]") {
  const Model model = load("tests/data/pools-8.yaml");
  std::vector<Constraints> cases(4);
  cases[0].max_passes = 10;
  set_weight_bounds(cases[1], model, std::nullopt, 0.5, "top 0-10%=0.1:0.45,top 70-80%=:0");
  cases[2].max_unique = 30e6;
  cases[2].max_passes = 25;
  set_weight_bounds(cases[3], model, 0.01, std::nullopt, "");
  for (const auto& c : cases) {
    INFO(describe(c, model));
    SearchOptions o;
    o.constraints = c;
    o.frontier = true;
    const PlanResult r = run(model, {3.2e7, 1.28e8, 6.4e8}, o);
    check_constraints(model, c, r);
    for (const auto& f : r.frontier) {
      for (const auto& iv : f.intervals) {
        if (!iv.at_from) continue;
        INFO(to_string(f.family) << " " << iv.from << ".." << iv.to);
        CHECK(violation(c, model, Mixture(model, Strategy{iv.at_from->fractions, iv.at_from->weights}), iv.from).empty());
      }
    }
  }
}

TEST_CASE("infeasible requests are one-line input errors naming the constraint", "[search][constraints]") {
  const Model model = default_config().model;
  SearchOptions o;
  o.constraints.max_passes = 10;
  // Infeasible at one budget of a sweep: reported there (with the reason), the sweep goes on.
  const PlanResult swept = run(model, {32e6, 1e9}, o);
  CHECK(swept.budgets[0].feasible());
  CHECK(swept.budgets[1].infeasible ==
        "no strategy meets --max-passes 10 at budget 1B: it needs at least 100M unique samples, but the pools hold only 51.2M");
  CHECK_FALSE(swept.budgets[1].best_family);
  for (const auto& f : swept.budgets[1].families) CHECK_FALSE(f.best);
  // Infeasible at every budget: an input error.
  CHECK_THROWS_WITH(run(model, {1e9}, o),
                    "no strategy meets --max-passes 10 at budget 1B: it needs at least 100M unique samples, but the pools hold only 51.2M");
  CHECK_THROWS_WITH(run(model, {1e9, 2e9}, o),
                    "no budget is feasible; the first: no strategy meets --max-passes 10 at budget 1B: it needs at least 100M unique "
                    "samples, but the pools hold only 51.2M");
  // top-k only, with pool 4 required: no level qualifies, a mixture would.
  o = {};
  o.families = {Family::topk, Family::threshold};
  set_weight_bounds(o.constraints, model, std::nullopt, std::nullopt, "top 30-40%=0.3:");
  CHECK_THROWS_WITH(run(model, {640e6}, o),
                    "no strategy of the searched families (topk, threshold) meets the constraints (top 30-40%=0.3:1) at budget 640M; "
                    "--search mixture may find one");
  o.families = {Family::topk, Family::mixture};
  const PlanResult r = run(model, {640e6}, o);
  CHECK(r.budgets[0].overall_family() == Family::mixture);
  CHECK(r.budgets[0].overall_best().info->weights[3] >= 0.3 * (1 - 1e-9));
  CHECK_FALSE(family(r.budgets[0], Family::topk));
}

TEST_CASE("top-k crossovers and frontier under constraints skip infeasible levels", "[search][constraints]") {
  const Model model = default_config().model;
  SearchOptions o;
  o.families = {Family::topk};
  o.constraints.max_passes = 20;  // top-k: U >= n / 20
  o.frontier = true;
  const PlanResult r = run(model, {1e8, 1e9}, o);
  // Brute force on a fine grid: the best feasible level.
  auto best_at = [&](double n) {
    std::string id = "none";
    double best = 1e300;
    for (const auto& s : topk_strategies(model)) {
      const Mixture mix(model, s.strategy);
      if (!violation(o.constraints, model, mix, n).empty()) continue;
      if (mix.error(n) < best) {
        best = mix.error(n);
        id = s.id;
      }
    }
    return id;
  };
  std::vector<std::string> changes;
  std::string previous = best_at(1e8);
  for (double n = 1e8; n <= 1e9; n *= 1.0005) {
    const std::string id = best_at(n);
    if (id != previous) changes.push_back(previous + ">" + id);
    previous = id;
  }
  REQUIRE(changes.size() == r.crossovers.size());
  for (std::size_t i = 0; i < changes.size(); ++i) CHECK(changes[i] == r.crossovers[i].from + ">" + r.crossovers[i].to);
  // top-2 stops being feasible at 20 * 25.6M = 512M exactly.
  bool at_512m = false;
  for (const auto& x : r.crossovers) at_512m = at_512m || (x.from == "top-2" && rel_diff(x.budget_samples, 512e6) < 1e-8);
  CHECK(at_512m);
  REQUIRE(r.frontier.size() == 1);
  REQUIRE(r.frontier[0].intervals.size() == r.crossovers.size() + 1);
}

TEST_CASE("frontiers: contiguous intervals whose strategy is the brute-force best inside", "[search]") {
  const Model model = default_config().model;
  SearchOptions o;
  o.frontier = true;
  const double lo = 1e7;
  const double hi = 1e10;
  const PlanResult r = run(model, {lo, 1e8, 1e9, hi}, o);
  REQUIRE(r.frontier.size() == 4);
  for (const auto& f : r.frontier) {
    INFO(to_string(f.family));
    REQUIRE_FALSE(f.intervals.empty());
    if (f.family == Family::mixture) {
      CHECK(f.intervals.front().from == lo);
      CHECK(f.intervals.back().to == hi);
      continue;
    }
    CHECK(f.intervals.front().from == lo);
    CHECK(f.intervals.back().to == hi);
    for (std::size_t i = 0; i < f.intervals.size(); ++i) {
      const auto& iv = f.intervals[i];
      if (i > 0) CHECK(iv.from == f.intervals[i - 1].to);
      CHECK(iv.from < iv.to);
      const double mid = std::sqrt(iv.from * iv.to);
      INFO("interval " << iv.from << ".." << iv.to << " " << iv.strategy);
      if (f.family == Family::topk || f.family == Family::subsets) {
        std::string id;
        double best = 1e300;
        const PoolMask count = PoolMask{1} << model.pools.size();
        for (PoolMask mask = 1; mask < count; ++mask) {
          if (f.family == Family::topk && (mask & (mask + 1)) != 0) continue;
          const NamedStrategy s = subset_strategy(model, mask);
          const double y = predict_error(model, s.strategy, mid);
          if (y < best) {
            best = y;
            id = f.family == Family::topk ? fmt::format("top-{}", std::popcount(mask)) : s.id;
          }
        }
        CHECK(iv.strategy == id);
      } else {
        const auto th = best_threshold(model, {}, mid, {});
        REQUIRE(th);
        CHECK(iv.strategy == fmt::format("threshold-{}", th->level));
      }
    }
  }
  // Without constraints the top-k frontier's boundaries are plan()'s crossovers.
  const auto& topk = r.frontier[0].intervals;
  REQUIRE(topk.size() == r.crossovers.size() + 1);
  for (std::size_t i = 0; i + 1 < topk.size(); ++i) CHECK(rel_diff(topk[i].to, r.crossovers[i].budget_samples) <= 1e-8);
}

TEST_CASE("output is identical on every run and for any thread count", "[search]") {
  const Config config = load_config_file(std::string(QQT_SOURCE_DIR) + "/tests/data/pools-8.yaml");
  SearchOptions o;
  o.frontier = true;
  o.constraints.max_passes = 40;
  const std::vector<double> budgets{1e7, 5e7, 2.5e8, 1.25e9, 4e9};
  o.threads = 1;
  const std::string one = render_plan(config, run(config.model, budgets, o), Format::json);
  const std::string again = render_plan(config, run(config.model, budgets, o), Format::json);
  o.threads = 2;
  const std::string two = render_plan(config, run(config.model, budgets, o), Format::json);
  o.threads = 5;
  const std::string five = render_plan(config, run(config.model, budgets, o), Format::json);
  CHECK(one == again);
  CHECK(one == two);
  CHECK(one == five);
  CHECK(one.find("\"frontier\":{\"topk\":[") != std::string::npos);
}

// ---- warm-started chains (SearchOptions::warm_chain_budgets, docs/search.md "Warm starts") ----

using qqt::test::kWarmColdRelTol;
using qqt::test::log_budgets;

TEST_CASE("warm-chained sweeps equal cold searches to tolerance, never worse than the cold seeds", "[search][warm]") {
  for (const char* path : {"configs/datacomp-medium-tmars-imagenet.yaml", "tests/data/pools-8.yaml"}) {
    INFO(path);
    const Model model = load(path);
    const std::vector<double> budgets = log_budgets(1e6, 1e11, 40);
    SearchOptions warm;
    warm.families = {Family::topk, Family::threshold, Family::mixture};
    warm.threads = 2;
    warm.warm_chain_budgets = 32;  // two chains over the 40 budgets
    SearchOptions cold = warm;
    cold.warm_chain_budgets = 1;
    const PlanResult w = run(model, budgets, warm);
    const PlanResult c = run(model, budgets, cold);
    std::size_t warm_evaluations = 0, cold_evaluations = 0;
    for (std::size_t j = 0; j < budgets.size(); ++j) {
      INFO("budget " << budgets[j]);
      const Candidate* wm = family(w.budgets[j], Family::mixture);
      const Candidate* cm = family(c.budgets[j], Family::mixture);
      REQUIRE(wm);
      REQUIRE(cm);
      CHECK(wm->error <= cm->error * (1 + kWarmColdRelTol));
      // The same seeds (top-k and threshold bests) in both: never worse than them.
      CHECK(wm->error <= family(w.budgets[j], Family::threshold)->error * (1 + kFamilyRelTol));
      check_candidate(model, *wm, budgets[j]);  // the reported numbers are the law's for the strategy
      const auto& ws = w.budgets[j].families.back().summary;
      const auto& cs = c.budgets[j].families.back().summary;
      REQUIRE(ws);
      REQUIRE(cs);
      warm_evaluations += ws->evaluations;
      cold_evaluations += cs->evaluations;
      // The first budget of the (one, 32-budget) chain and the first of the second chain are cold.
      const bool head = j == 0 || j == 32;
      CHECK((ws->algorithm.find("warm start") == std::string::npos) == head);
    }
    // The point of the chains: far fewer law evaluations (measured: about a quarter).
    CHECK(warm_evaluations * 2 < cold_evaluations);
  }
}

TEST_CASE("warm-chained sweeps: the same output for any thread count and budget order", "[search][warm]") {
  const Config config = load_config_file(std::string(QQT_SOURCE_DIR) + "/configs/datacomp-medium-tmars-imagenet.yaml");
  std::vector<double> budgets = log_budgets(1e6, 1e11, 96);  // three chains of 32
  SearchOptions o;
  o.warm_chain_budgets = 32;
  o.families = {Family::topk, Family::mixture};
  o.threads = 1;
  const PlanResult one = run(config.model, budgets, o);
  o.threads = 2;
  const PlanResult two = run(config.model, budgets, o);
  o.threads = 3;
  const PlanResult three = run(config.model, budgets, o);
  CHECK(render_plan(config, one, Format::csv) == render_plan(config, two, Format::csv));
  CHECK(render_plan(config, one, Format::csv) == render_plan(config, three, Format::csv));
  // Requested in descending order: the same chains (positions 0-31 hold the same 32 budgets), each
  // searched in ascending order, so every budget gets the same strategy and error.
  std::reverse(budgets.begin(), budgets.end());
  o.threads = 2;
  const PlanResult reversed = run(config.model, budgets, o);
  for (std::size_t j = 0; j < budgets.size(); ++j) {
    const Candidate* a = family(one.budgets[budgets.size() - 1 - j], Family::mixture);
    const Candidate* b = family(reversed.budgets[j], Family::mixture);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->error == b->error);
    CHECK(a->info->weights == b->info->weights);
  }
  // Out of range.
  o.warm_chain_budgets = 0;
  CHECK_THROWS_WITH(validate(o, config.model), "--warm-chain must be in [1, 8192], got 0");
}

TEST_CASE("warm-chained sweeps at 16 pools (segment descent): the same output for any thread count", "[search][warm][many]") {
  const Config config = load_config_file(std::string(QQT_SOURCE_DIR) + "/tests/data/pools-16.yaml");
  const std::vector<double> budgets = log_budgets(1e7, 1e10, 12);
  SearchOptions o;
  o.families = {Family::topk, Family::mixture};
  o.warm_chain_budgets = 4;  // three chains
  o.threads = 1;
  const PlanResult one = run(config.model, budgets, o);
  o.threads = 3;
  const PlanResult three = run(config.model, budgets, o);
  CHECK(render_plan(config, one, Format::csv) == render_plan(config, three, Format::csv));
  for (const auto& b : one.budgets) {
    const auto& summary = b.families.back().summary;
    REQUIRE(summary);
    CHECK_THAT(summary->algorithm, Catch::Matchers::Contains("segment descent"));
  }
}
