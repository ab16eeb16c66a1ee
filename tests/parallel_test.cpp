// parallel.hpp <-> parallel_test.cpp: every index runs once, with any number of threads, and a
// thread that cannot be created (a process limit) leaves fewer workers, not a crash.
#include "parallel.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <stdexcept>
#include <vector>

using qqt::detail::parallel_for;

namespace {

// Resets the test hook however the test case ends.
struct FailThreadsAfter {
  explicit FailThreadsAfter(int n) { qqt::detail::thread_creation_fails_after = n; }
  ~FailThreadsAfter() { qqt::detail::thread_creation_fails_after = -1; }
};

std::vector<int> squares(std::size_t count, int threads, std::set<int>* workers = nullptr) {
  std::vector<int> out(count, -1);
  std::vector<int> worker_of(count, -1);
  parallel_for(count, threads, [&](std::size_t i, int worker) {
    out[i] = static_cast<int>(i * i);
    worker_of[i] = worker;
  });
  if (workers) workers->insert(worker_of.begin(), worker_of.end());
  return out;
}

}  // namespace

TEST_CASE("parallel_for runs every index once on up to the requested threads", "[parallel]") {
  std::vector<int> want(1000);
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = static_cast<int>(i * i);
  for (const int threads : {1, 2, 8}) {
    std::set<int> workers;
    CHECK(squares(want.size(), threads, &workers) == want);
    CHECK(*workers.rbegin() < threads);
  }
}

TEST_CASE("parallel_for falls back to fewer threads when a thread cannot be created", "[parallel]") {
  std::vector<int> want(1000);
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = static_cast<int>(i * i);
  SECTION("no extra thread at all: the calling thread does everything") {
    FailThreadsAfter hook(0);
    std::set<int> workers;
    CHECK(squares(want.size(), 8, &workers) == want);  // was std::terminate (exit 134)
    CHECK(workers == std::set<int>{0});
  }
  SECTION("some threads: the workers that exist share the work") {
    FailThreadsAfter hook(2);
    std::set<int> workers;
    CHECK(squares(want.size(), 8, &workers) == want);
    CHECK(*workers.rbegin() <= 2);
  }
  SECTION("the lowest failing index's exception still wins") {
    FailThreadsAfter hook(1);
    CHECK_THROWS_WITH(parallel_for(100, 4,
                                   [](std::size_t i, int) {
                                     if (i == 37 || i == 80) throw std::runtime_error(std::to_string(i));
                                   }),
                      "37");
  }
}
