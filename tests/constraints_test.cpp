// constraints.cpp <-> constraints_test.cpp: parsing, validation and the violation check.
#include "qqt/constraints.hpp"

#include <catch2/catch.hpp>

#include "qqt/config.hpp"
#include "qqt/error.hpp"

using namespace qqt;

TEST_CASE("weight bounds from --min-weight, --max-weight and --weight-bounds", "[constraints]") {
  const Model model = default_config().model;
  Constraints c;
  set_weight_bounds(c, model, 0.05, std::nullopt, "top 0-10%=0.2:0.6, top 30-40%=:0.1");
  CHECK(c.min_weight == std::vector<double>{0.2, 0.05, 0.05, 0.05});
  CHECK(c.max_weight == std::vector<double>{0.6, 1, 1, 0.1});
  CHECK(c.any());
  CHECK(describe(c, model) == "top 0-10%=0.2:0.6, top 10-20%=0.05:1, top 20-30%=0.05:1, top 30-40%=0.05:0.1");

  Constraints none;
  set_weight_bounds(none, model, std::nullopt, std::nullopt, "");
  CHECK_FALSE(none.any());
  CHECK(describe(none, model) == "none");

  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, {}, "top 0-1%=0.1:0.2"),
                    "--weight-bounds: no pool named 'top 0-1%' (did you mean 'top 0-10%'?)");
  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, {}, "zzzzzzzz=0.1:0.2"), Catch::Contains("(pools: top 0-10%, top 10-20%"));
  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, {}, "top 0-10%=0.5"), Catch::Contains("must have the form NAME=LO:HI"));
  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, {}, "top 0-10%=0.5:0.2"),
                    Catch::Contains("lower bound 0.5 exceeds the upper bound 0.2"));
  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, {}, "top 0-10%=x:0.2"), Catch::Contains("the lower bound 'x'"));
  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, {}, "top 0-10%=0:1.5"), Catch::Contains("must be a number in [0, 1]"));
  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, {}, "top 0-10%=0:1,top 0-10%=0:1"), Catch::Contains("given twice"));
  CHECK_THROWS_WITH(set_weight_bounds(c, model, 0.3, {}, ""),
                    "weight bounds cannot hold weights summing to 1: the lower bounds (--min-weight, --weight-bounds) sum to 1.2 > 1");
  CHECK_THROWS_WITH(set_weight_bounds(c, model, {}, 0.2, ""),
                    Catch::Contains("the upper bounds (--max-weight, --weight-bounds) sum to 0.8 < 1"));
  CHECK_THROWS_WITH(set_weight_bounds(c, model, 1.5, {}, ""), "--min-weight must be in [0, 1], got 1.5");
  CHECK_THROWS_WITH(set_weight_bounds(c, model, 0.5, 0.25, ""), "--min-weight 0.5 exceeds --max-weight 0.25");
  // Exactly 1 is fine: four pools at 0.25 each.
  CHECK_NOTHROW(set_weight_bounds(c, model, 0.25, 0.25, ""));
}

TEST_CASE("numeric constraints are validated", "[constraints]") {
  const Model model = default_config().model;
  Constraints c;
  c.max_passes = 0.5;
  CHECK_THROWS_WITH(validate(c, model), "--max-passes must be a number >= 1 (passes over each used pool), got 0.5");
  c.max_passes = 1;
  c.max_unique = 0;
  CHECK_THROWS_WITH(validate(c, model), Catch::Contains("--max-unique must be a sample count > 0"));
}

TEST_CASE("violation names the broken constraint (hand-computed cases)", "[constraints]") {
  const Model model = default_config().model;  // 4 pools of 12.8M
  const std::vector<double> top2_f{1, 1, 0, 0}, top2_w{0.5, 0.5, 0, 0};
  Constraints c;
  CHECK(violation(c, model, top2_f, top2_w, 640e6).empty());
  // top-2 at 640M: 640M * 0.5 / 12.8M = 25 passes over each pool.
  c.max_passes = 25;
  CHECK(violation(c, model, top2_f, top2_w, 640e6).empty());
  c.max_passes = 24.9;
  CHECK(violation(c, model, top2_f, top2_w, 640e6) == "repeats pool 'top 0-10%' 25 times, more than --max-passes 24.9");
  c = {};
  c.max_unique = 25.6e6;
  CHECK(violation(c, model, top2_f, top2_w, 640e6).empty());
  c.max_unique = 25e6;
  CHECK(violation(c, model, top2_f, top2_w, 640e6) == "keeps 25600000 unique samples, more than --max-unique 25000000");
  c = {};
  set_weight_bounds(c, model, std::nullopt, 0.5, "top 30-40%=0.1:");
  CHECK(violation(c, model, top2_f, top2_w, 640e6) == "weight 0 of pool 'top 30-40%' is below its lower bound 0.1");
  const std::vector<double> skew_w{0.6, 0.4, 0, 0};
  set_weight_bounds(c, model, std::nullopt, 0.5, "");
  CHECK(violation(c, model, top2_f, skew_w, 640e6) == "weight 0.6 of pool 'top 0-10%' is above its upper bound 0.5");
}

TEST_CASE("infeasible budgets are one-line input errors naming the constraint", "[constraints]") {
  const Model model = default_config().model;  // 51.2M samples in all
  Constraints c;
  c.max_passes = 10;
  CHECK_NOTHROW(check_budget_feasible(c, model, 512e6));
  CHECK_THROWS_WITH(
      check_budget_feasible(c, model, 600e6),
      "no strategy meets --max-passes 10 at budget 600M: it needs at least 60M unique samples, but the pools hold only 51.2M");
  c.max_unique = 20e6;
  CHECK_THROWS_WITH(check_budget_feasible(c, model, 300e6),
                    "no strategy meets --max-passes 10 and --max-unique 20M at budget 300M: it needs at least 30M unique samples");
  c.max_unique = kNoLimit;
  set_weight_bounds(c, model, std::nullopt, std::nullopt, "top 0-10%=0.5:");
  // pool 1 can take at most 10 * 12.8M / 400M = 0.32 < 0.5
  CHECK_THROWS_WITH(check_budget_feasible(c, model, 400e6),
                    Catch::Contains("pool 'top 0-10%' can take at most weight 0.32, below its lower bound 0.5"));
  set_weight_bounds(c, model, std::nullopt, std::nullopt, "top 30-40%=:0");
  // three pools left, each capped at 10 * 12.8M / n: fine at 384M (sum 1), short at 400M (sum 0.96)
  CHECK_NOTHROW(check_budget_feasible(c, model, 384e6));
  CHECK_THROWS_WITH(check_budget_feasible(c, model, 400e6), Catch::Contains("weights summing to 0.96 < 1"));
}
