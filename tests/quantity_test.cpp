#include "qqt/quantity.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "qqt/error.hpp"

using qqt::InputError;
using qqt::parse_count;

TEST_CASE("sample counts accept suffixes, scientific and plain forms", "[quantity]") {
  CHECK(parse_count("12.8M", "x") == 12.8e6);
  CHECK(parse_count("1.28e7", "x") == 12.8e6);
  CHECK(parse_count("12800000", "x") == 12.8e6);
  CHECK(parse_count("640m", "x") == 640e6);
  CHECK(parse_count("2B", "x") == 2e9);
  CHECK(parse_count("2g", "x") == 2e9);
  CHECK(parse_count("1.5T", "x") == 1.5e12);
  CHECK(parse_count("3k", "x") == 3000);
  CHECK(parse_count(" 7 ", "x") == 7);
}

TEST_CASE("bad sample counts are one-line errors naming the source and rule", "[quantity][errors]") {
  CHECK_THROWS_WITH(parse_count("", "--budget"), Catch::StartsWith("--budget: '' is empty"));
  CHECK_THROWS_WITH(parse_count("12X", "--budget"), Catch::Contains("is not a sample count"));
  CHECK_THROWS_WITH(parse_count("M", "--budget"), Catch::Contains("is not a sample count"));
  CHECK_THROWS_WITH(parse_count("1e999", "--budget"), Catch::Contains("is not finite"));
  CHECK_THROWS_WITH(parse_count("nan", "--budget"), Catch::Contains("is not finite"));
  CHECK_THROWS_WITH(parse_count("inf", "--budget"), Catch::Contains("is not finite"));
  CHECK_THROWS_WITH(parse_count("-5M", "--budget"), Catch::Contains("must be greater than 0"));
  CHECK_THROWS_WITH(parse_count("0", "--budget"), Catch::Contains("must be greater than 0"));
  CHECK_THROWS_WITH(parse_count("2e18", "--budget"), Catch::Contains("exceeds the largest supported count"));
  CHECK_THROWS_WITH(parse_count("1.2.3M", "--budget"), Catch::Contains("is not a sample count"));
  CHECK_THROWS_WITH(parse_count("0x10", "--budget"), Catch::Contains("is not a sample count"));
}

TEST_CASE("budget lists and log-spaced ranges", "[quantity]") {
  CHECK(qqt::parse_count_list("32M,64M, 1.28e8", "--budget") == std::vector<double>{32e6, 64e6, 128e6});
  CHECK_THROWS_WITH(qqt::parse_count_list("32M,,64M", "--budget"), Catch::Contains("--budget item 2"));
  const auto r = qqt::parse_count_range("1M:100M:3", "--budgets");
  CHECK(r == std::vector<double>{1e6, 1e7, 1e8});  // 10x apart, rounded to whole samples
  CHECK(qqt::parse_count_range("5M:5M:1", "--budgets") == std::vector<double>{5e6});
  // Found by fuzzing: points closer than one sample are not rounded (rounding made 1.1:5:50 descend).
  const auto tight = qqt::parse_count_range("1.1:5:50", "--budgets");
  REQUIRE(tight.size() == 50);
  CHECK(tight.front() == 1.1);
  CHECK(tight.back() == 5);
  for (std::size_t i = 1; i < tight.size(); ++i) CHECK(tight[i] > tight[i - 1]);
  const auto wide = qqt::parse_count_range("1M:2M:5", "--budgets");
  for (double b : wide) CHECK(b == std::round(b));
  CHECK_THROWS_WITH(qqt::parse_count_range("1M:100M", "--budgets"), Catch::Contains("FROM:TO:N"));
  CHECK_THROWS_WITH(qqt::parse_count_range("1M:100M:0", "--budgets"), Catch::Contains("whole number from 1"));
  CHECK_THROWS_WITH(qqt::parse_count_range("1M:100M:2.5", "--budgets"), Catch::Contains("whole number from 1"));
  CHECK_THROWS_WITH(qqt::parse_count_range("100M:1M:3", "--budgets"), Catch::Contains("FROM must not exceed TO"));
}

TEST_CASE("counts format with suffixes for people", "[quantity]") {
  CHECK(qqt::format_count(640e6) == "640M");
  CHECK(qqt::format_count(12.8e6) == "12.8M");
  CHECK(qqt::format_count(1.5e9) == "1.5B");
  CHECK(qqt::format_count(2e12) == "2T");
  CHECK(qqt::format_count(999) == "999");
}

TEST_CASE("compute budgets convert with C = 6 N D when the model size is known", "[quantity][flops]") {
  // 3e21 FLOPs on N = 1e9 parameters: D = 3e21 / (6 * 1e9) = 5e11 tokens.
  CHECK(qqt::parse_budget("3e21flops", "--budget", 1e9) == 3e21 / 6e9);
  CHECK(qqt::parse_budget(" 3e21 FLOPs ", "--budget", 1e9) == 3e21 / 6e9);
  CHECK(qqt::parse_budget("6e18FLOP", "--budget", 1e9) == 1e9);
  CHECK(qqt::parse_budget("300B", "--budget", 1e9) == 300e9);  // a count stays a count
  CHECK(qqt::parse_budget("300B", "--budget", std::nullopt) == 300e9);
  CHECK(qqt::flops_of(5e11, 1e9) == 3e21);
  CHECK(qqt::is_flops_budget("1e20flops"));
  CHECK_FALSE(qqt::is_flops_budget("1e20"));
  CHECK(qqt::parse_budget_list("6e18flops,2B", "--budget", 1e9) == std::vector<double>{1e9, 2e9});
  const auto r = qqt::parse_budget_range("6e18flops:6e20flops:3", "--budgets", 1e9);
  REQUIRE(r.size() == 3);
  CHECK(r.front() == 1e9);
  CHECK(r[1] == 1e10);
  CHECK(r.back() == 1e11);
}

TEST_CASE("bad compute budgets are one-line errors", "[quantity][flops][errors]") {
  CHECK_THROWS_WITH(qqt::parse_budget("3e21flops", "--budget", std::nullopt),
                    "--budget: '3e21flops' is a compute budget; give the model size (model_params in the config or "
                    "--model-params, e.g. 1.1B) to convert it to tokens with C = 6 N D");
  CHECK_THROWS_WITH(qqt::parse_budget_list("1B,3e21flops", "--budget", std::nullopt),
                    Catch::StartsWith("--budget item 2: '3e21flops' is a compute budget"));
  CHECK_THROWS_WITH(qqt::parse_budget("flops", "--budget", 1e9), Catch::Contains("is not a compute budget"));
  CHECK_THROWS_WITH(qqt::parse_budget("3e21xflops", "--budget", 1e9), Catch::Contains("is not a compute budget"));
  CHECK_THROWS_WITH(qqt::parse_budget("1e999flops", "--budget", 1e9), Catch::Contains("is not finite"));
  CHECK_THROWS_WITH(qqt::parse_budget("-1flops", "--budget", 1e9), Catch::Contains("must be greater than 0"));
  CHECK_THROWS_WITH(qqt::parse_budget("0flops", "--budget", 1e9), Catch::Contains("must be greater than 0"));
  CHECK_THROWS_WITH(qqt::parse_budget("1e40flops", "--budget", 1e9), Catch::Contains("budgets must be in (0, 1e+18]"));
}
