// strategy.cpp <-> strategy_test.cpp: ranking, the log grid and the bisection behind crossovers.
#include "qqt/strategy.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace qqt;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("rank: lowest error best, the next lowest runner-up, earlier entries win ties", "[strategy]") {
  const std::vector<double> e{0.5, 0.3, 0.4};
  Ranking r = rank(e);
  REQUIRE(r.best);
  CHECK(*r.best == 1);
  REQUIRE(r.runner_up);
  CHECK(*r.runner_up == 2);
  CHECK(r.margin == 0.4 - 0.3);

  const std::vector<double> tie{0.3, 0.3, 0.3};
  r = rank(tie);
  CHECK(*r.best == 0);
  CHECK(*r.runner_up == 1);
  CHECK(r.margin == 0.0);

  // Best after the runner-up: the runner-up is the earlier of the rest.
  const std::vector<double> late{0.4, 0.4, 0.1};
  r = rank(late);
  CHECK(*r.best == 2);
  CHECK(*r.runner_up == 0);
}

TEST_CASE("rank: infeasible (non-finite) entries are not ranked", "[strategy]") {
  const std::vector<double> e{kInf, 0.6, kInf, 0.5};
  Ranking r = rank(e);
  CHECK(*r.best == 3);
  CHECK(*r.runner_up == 1);
  const std::vector<double> one{kInf, 0.2};
  r = rank(one);
  CHECK(*r.best == 1);
  CHECK_FALSE(r.runner_up);
  CHECK(r.margin == 0.0);
  const std::vector<double> none{kInf, std::nan("")};
  r = rank(none);
  CHECK_FALSE(r.best);
  CHECK_FALSE(r.runner_up);
  CHECK_FALSE(rank(std::vector<double>{}).best);
}

TEST_CASE("rank: a later entry must win by more than the tie tolerance", "[strategy]") {
  // 0.5 * (1 - 1e-6) = 0.4999995: 0.4999996 is within the tolerance, 0.4999990 is not.
  const std::vector<double> within{0.5, 0.4999996};
  CHECK(*rank(within, 1e-6).best == 0);
  CHECK(*rank(within, 1e-6).runner_up == 1);
  CHECK(*rank(within).best == 1);  // no tolerance: strictly lower wins
  const std::vector<double> beyond{0.5, 0.4999990};
  CHECK(*rank(beyond, 1e-6).best == 1);
}

TEST_CASE("log_grid: ends exact, ceil(decades * per_decade) steps evenly spaced in log", "[strategy]") {
  const auto g = log_grid(1e6, 1e9, 4);  // 3 decades x 4 = 12 steps
  REQUIRE(g.size() == 13);
  CHECK(g.front() == 1e6);
  CHECK(g.back() == 1e9);
  for (std::size_t i = 1; i < g.size(); ++i) CHECK(std::log10(g[i] / g[i - 1]) == Approx(0.25).epsilon(1e-12));
  CHECK(log_grid(5e7, 5e7, 16) == std::vector<double>{5e7, 5e7});  // one step, both ends
  CHECK(log_grid(1e8, 1.5e8, 1).size() == 2);                      // less than a decade: at least one step
}

TEST_CASE("bisect_log: brackets the switch of a predicate to the tolerance", "[strategy]") {
  // left(n) holds below 3.7e8 exactly.
  const double edge = 3.7e8;
  const Bracket b = bisect_log(1e8, 1e9, 1e-12, [&](double n) { return n < edge; });
  CHECK(b.lo < edge);
  CHECK(b.hi >= edge);
  CHECK(b.hi / b.lo - 1 <= 1e-12);
  CHECK(std::abs(b.at() / edge - 1) <= 1e-12);
  // Near the largest budget: sqrt(lo) sqrt(hi) does not overflow.
  const Bracket big = bisect_log(1e17, 1e18, 1e-9, [](double n) { return n < 5e17; });
  CHECK(std::abs(big.at() / 5e17 - 1) <= 1e-9);
}

TEST_CASE("family names", "[strategy]") {
  CHECK(std::string(to_string(Family::topk)) == "topk");
  CHECK(std::string(to_string(Family::subsets)) == "subsets");
  CHECK(std::string(to_string(Family::threshold)) == "threshold");
  CHECK(std::string(to_string(Family::mixture)) == "mixture");
}
