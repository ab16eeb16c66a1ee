// regression.cpp <-> regression_test.cpp: --expect finds changed budgets and nothing else.
#include "qqt/regression.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/output.hpp"
#include "qqt/search.hpp"

using namespace qqt;

namespace {

// Temporary files of one test, removed when it ends.
struct TempFiles {
  std::vector<std::filesystem::path> paths;
  ~TempFiles() {
    for (const auto& p : paths) std::filesystem::remove(p);
  }
  std::string make(const std::string& name, const std::string& content) {
    paths.push_back(std::filesystem::temp_directory_path() / fmt::format("qqt-regression-{}-{}", ::getpid(), name));
    std::ofstream(paths.back()) << content;
    return paths.back().string();
  }
};

PlanResult run(const Model& m, std::vector<double> budgets) {
  PlanOptions o;
  o.budgets_samples = std::move(budgets);
  return plan(m, topk_strategies(m), o);
}

RegressionReport compare(const Config& c, const PlanResult& p, const std::string& baseline, const RegressionOptions& o = {}) {
  return compare_with_baseline(c, p, load_baseline(baseline), o);
}

Config with_model(const Model& m) {
  Config c = default_config();
  c.model = m;
  return c;
}

PlanResult searched(const Model& m, std::vector<double> budgets, std::vector<Family> families) {
  PlanOptions o;
  o.budgets_samples = std::move(budgets);
  SearchOptions search;
  search.families = std::move(families);
  return search_plan(m, o, search);
}

// The findings that start with `prefix`.
std::size_t count_prefix(const RegressionReport& r, const std::string& prefix) {
  return static_cast<std::size_t>(
      std::count_if(r.findings.begin(), r.findings.end(), [&](const std::string& f) { return f.rfind(prefix, 0) == 0; }));
}

}  // namespace

TEST_CASE("an unchanged plan passes, a changed one names each budget and the direction", "[regression]") {
  const Config c = default_config();
  TempFiles temp;
  const std::string baseline = temp.make("base.json", render_plan(c, run(c.model, {32e6, 640e6}), Format::json));
  const RegressionReport same = compare(c, run(c.model, {32e6, 640e6}), baseline);
  CHECK(same.ok());
  CHECK(same.budgets_compared == 2);

  // A small change of b moves the errors: relative change above 1e-6 but below 1e-2. A more
  // negative b of the best pool lowers every error that uses it: "improved".
  Model changed = c.model;
  changed.pools[0].b *= 1.001;
  const RegressionReport moved = compare(with_model(changed), run(changed, {32e6, 640e6}), baseline);
  // The config's change is named (b of the top pool: -0.16 before, -0.16016 now), and both best
  // levels (top-1 at 32M, top-2 at 640M), which contain the changed pool.
  REQUIRE(moved.config_changes.size() == 1);
  CHECK(moved.config_changes[0] ==
        fmt::format("config differs from the baseline: config.pools[top 0-10%].b: -0.16 in the baseline, {} in this run",
                    exact_number(-0.16 * 1.001)));
  REQUIRE(moved.findings.size() == 2);
  CHECK(moved.findings[0].find("budget 32M (32000000): error of top-1 improved from") == 0);
  CHECK(moved.findings[1].find("budget 640M (640000000): error of top-2 improved from") == 0);
  // Less useful data (b closer to 0): "worsened".
  Model worse = c.model;
  worse.pools[0].b *= 0.999;
  const RegressionReport worsened = compare(with_model(worse), run(worse, {32e6}), baseline);
  REQUIRE(count_prefix(worsened, "budget 32M (32000000): error of top-1 worsened from ") == 1);
  // A change confined to a pool outside both best levels changes no budget: no regression, but the
  // config's change is named.
  Model unrelated = c.model;
  unrelated.pools[3].b *= 1.001;
  const RegressionReport other_pool = compare(with_model(unrelated), run(unrelated, {32e6, 640e6}), baseline);
  CHECK(other_pool.ok());
  CHECK(other_pool.config_changes.size() == 1);
  RegressionOptions loose;
  loose.tolerance_rel = 1e-2;
  CHECK(compare(with_model(changed), run(changed, {32e6, 640e6}), baseline, loose).ok());

  // Make top-3 the best at 640M by making its bucket much more useful.
  Model flipped = c.model;
  flipped.pools[2].b = -0.3;
  const RegressionReport flip = compare(with_model(flipped), run(flipped, {32e6, 640e6}), baseline);
  REQUIRE(count_prefix(flip, "budget 640M") == 1);
  const std::string& changed_best = flip.findings.back();
  CHECK(changed_best.find("budget 640M (640000000): best strategy changed from top-2 to top-3 (improved from ") == 0);
}

TEST_CASE("budgets: new ones and ones the run no longer has are both named", "[regression]") {
  const Config c = default_config();
  TempFiles temp;
  const std::string baseline = temp.make("base.json", render_plan(c, run(c.model, {32e6, 640e6}), Format::json));
  const RegressionReport r = compare(c, run(c.model, {32e6, 1e9}), baseline);
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0] == "budget 1B (1000000000): not in the baseline");
  CHECK(r.findings[1] == "budget 640M (640000000): in the baseline but not in this run (best there: top-2)");
  // Fewer budgets alone is a regression too.
  const RegressionReport fewer = compare(c, run(c.model, {32e6}), baseline);
  CHECK_FALSE(fewer.ok());
  CHECK(fewer.budgets_compared == 1);
}

TEST_CASE("other search families or constraints are named as such, not as a changed best strategy", "[regression][search]") {
  const Config c = default_config();
  TempFiles temp;
  const std::string baseline =
      temp.make("search.json", render_plan(c, searched(c.model, {640e6}, {Family::topk, Family::threshold}), Format::json));
  CHECK(compare(c, searched(c.model, {640e6}, {Family::topk, Family::threshold}), baseline).ok());
  // Only top-k now: the best at 640M is a top-k level instead of a threshold, but that is the
  // families' doing.
  const RegressionReport r = compare(c, searched(c.model, {640e6}, {Family::topk}), baseline);
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0] == "search settings differ from the baseline: search.families: topk,threshold in the baseline, topk in this run");
  CHECK(r.findings[1] == "budgets not compared: the best strategies of other search settings are not comparable");
  CHECK(count_prefix(r, "budget 640M") == 0);
  // A constraint.
  PlanOptions o;
  o.budgets_samples = {640e6};
  SearchOptions constrained;
  constrained.families = {Family::topk, Family::threshold};
  constrained.constraints.max_passes = 20;
  const RegressionReport capped = compare(c, search_plan(c.model, o, constrained), baseline);
  REQUIRE_FALSE(capped.findings.empty());
  CHECK(capped.findings[0] ==
        "search settings differ from the baseline: search.constraints.max_passes: null in the baseline, 20 in this run");
}

TEST_CASE("a bad baseline is an input error naming the file", "[regression][errors]") {
  TempFiles temp;
  CHECK_THROWS_WITH(load_baseline("/nonexistent.json"), "/nonexistent.json: cannot open the baseline file");
  const std::string not_json = temp.make("bad.json", "{\"schema\": 1, \"budgets\": [\n");
  CHECK_THROWS_WITH(load_baseline(not_json), Catch::StartsWith(not_json + ":") && Catch::Contains("not valid JSON"));
  const std::string schema3 = temp.make("schema3.json", "{\"schema\": 3, \"budgets\": []}");
  CHECK_THROWS_WITH(load_baseline(schema3), Catch::Contains("schema must be 1 or 2"));
  const std::string no_error =
      temp.make("noerror.json", "{\"schema\": 1, \"budgets\": [{\"budget\": 32000000, \"best\": {\"strategy\": \"top-1\"}}]}");
  CHECK_THROWS_WITH(load_baseline(no_error), Catch::Contains("budgets[0].best.error must be a number"));
  const std::string twice =
      temp.make("twice.json",
                "{\"schema\": 1, \"budgets\": [{\"budget\": 32e6, \"best\": {\"strategy\": \"top-1\", \"error\": 0.7}},"
                " {\"budget\": 32000000, \"best\": {\"strategy\": \"top-1\", \"error\": 0.7}}]}");
  CHECK_THROWS_WITH(load_baseline(twice), Catch::Contains("budgets[1].budget 32000000 appears twice"));
  RegressionOptions bad;
  bad.tolerance_rel = -1;
  CHECK_THROWS_WITH(validate(bad), "--tolerance must be in [0, 1], got -1");
}

TEST_CASE("schema 2: a budget with no feasible strategy is compared as 'none', both ways", "[regression][search]") {
  // max_passes 20 at 640M: the default pools (12.8M each) give top-3 16.7 passes and top-4 12.5,
  // so 640M is feasible; with every pool halved, top-4 holds 25.6M and needs 25 passes: no level
  // is feasible, and the plan's JSON says "best": null there. (32M keeps the sweep feasible: a
  // sweep whose every budget is infeasible is an input error.)
  const Config c = default_config();
  Model small = c.model;
  for (auto& p : small.pools) p.size_samples /= 2;
  PlanOptions o;
  o.budgets_samples = {32e6, 640e6};
  SearchOptions capped;
  capped.families = {Family::topk};
  capped.constraints.max_passes = 20;
  const PlanResult infeasible = search_plan(small, o, capped);
  REQUIRE_FALSE(infeasible.budgets[1].feasible());
  const PlanResult feasible = search_plan(c.model, o, capped);
  REQUIRE(feasible.budgets[1].feasible());
  TempFiles temp;
  const std::string none = temp.make("none.json", render_plan(with_model(small), infeasible, Format::json));
  CHECK(load_baseline(none).budgets.at(1).strategy == "none");
  CHECK(compare(with_model(small), infeasible, none).ok());  // none stays none
  const RegressionReport now_feasible = compare(c, feasible, none);
  // 32M changes too (other pool sizes); 640M is the one this test is about: the last finding.
  REQUIRE(count_prefix(now_feasible, "budget 640M") == 1);
  CHECK(now_feasible.findings.back().rfind("budget 640M (640000000): best strategy changed from none (no feasible strategy) to top-", 0) ==
        0);
  const std::string some = temp.make("some.json", render_plan(c, feasible, Format::json));
  const RegressionReport now_none = compare(with_model(small), infeasible, some);
  REQUIRE(count_prefix(now_none, "budget 640M") == 1);
  CHECK(now_none.findings.back().rfind("budget 640M (640000000): best strategy changed from top-", 0) == 0);
  CHECK_THAT(now_none.findings.back(), Catch::Contains(" to none ("));
}
