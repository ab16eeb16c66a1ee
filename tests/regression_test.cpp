// regression.cpp <-> regression_test.cpp: --expect finds changed budgets and nothing else.
#include "qqt/regression.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/output.hpp"

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

}  // namespace

TEST_CASE("an unchanged plan passes, a changed one names each budget", "[regression]") {
  const Config c = default_config();
  TempFiles temp;
  const std::string baseline = temp.make("base.json", render_plan(c, run(c.model, {32e6, 640e6}), Format::json));
  const RegressionReport same = compare_with_baseline(run(c.model, {32e6, 640e6}), baseline, {});
  CHECK(same.ok());
  CHECK(same.budgets_compared == 2);

  // A small change of b moves the errors: relative change above 1e-6 but below 1e-2.
  Model changed = c.model;
  changed.pools[0].b *= 1.001;
  const RegressionReport moved = compare_with_baseline(run(changed, {32e6, 640e6}), baseline, {});
  // Both best levels (top-1 at 32M, top-2 at 640M) contain the changed pool.
  REQUIRE(moved.findings.size() == 2);
  CHECK(moved.findings[0].find("budget 32M (32000000): error of top-1 moved from") == 0);
  CHECK(moved.findings[1].find("budget 640M (640000000): error of top-2 moved from") == 0);
  // A change confined to a pool outside both best levels is no regression.
  Model unrelated = c.model;
  unrelated.pools[3].b *= 1.001;
  CHECK(compare_with_baseline(run(unrelated, {32e6, 640e6}), baseline, {}).ok());
  RegressionOptions loose;
  loose.tolerance_rel = 1e-2;
  CHECK(compare_with_baseline(run(changed, {32e6, 640e6}), baseline, loose).ok());

  // Make top-3 the best at 640M by making its bucket much more useful.
  Model flipped = c.model;
  flipped.pools[2].b = -0.3;
  const RegressionReport flip = compare_with_baseline(run(flipped, {640e6}), baseline, {});
  REQUIRE(flip.findings.size() == 1);
  CHECK(flip.findings[0] == "budget 640M (640000000): best strategy changed from top-2 to top-3");

  const RegressionReport missing = compare_with_baseline(run(c.model, {1e9}), baseline, {});
  REQUIRE(missing.findings.size() == 1);
  CHECK(missing.findings[0] == "budget 1B (1000000000): not in the baseline");
}

TEST_CASE("a bad baseline is an input error naming the file", "[regression][errors]") {
  const Config c = default_config();
  const PlanResult p = run(c.model, {32e6});
  TempFiles temp;
  CHECK_THROWS_WITH(compare_with_baseline(p, "/nonexistent.json", {}), "/nonexistent.json: cannot open the baseline file");
  const std::string not_json = temp.make("bad.json", "{\"schema\": 1, \"budgets\": [\n");
  CHECK_THROWS_WITH(compare_with_baseline(p, not_json, {}), Catch::StartsWith(not_json + ":") && Catch::Contains("not valid JSON"));
  const std::string schema3 = temp.make("schema3.json", "{\"schema\": 3, \"budgets\": []}");
  CHECK_THROWS_WITH(compare_with_baseline(p, schema3, {}), Catch::Contains("schema must be 1 or 2"));
  const std::string no_error = temp.make("noerror.json", "{\"schema\": 1, \"budgets\": [{\"budget\": 32000000, \"best\": {\"strategy\": \"top-1\"}}]}");
  CHECK_THROWS_WITH(compare_with_baseline(p, no_error, {}), Catch::Contains("budgets[0].best.error must be a number"));
  RegressionOptions bad;
  bad.tolerance_rel = -1;
  CHECK_THROWS_WITH(validate(bad), "--tolerance must be in [0, 1], got -1");
}
