// Internal: a deterministic parallel loop over std::thread. Results must be written to per-index
// slots (or per-worker accumulators merged with an order-independent rule) so that output does not
// depend on the thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace qqt::detail {

/// Test hook: when >= 0, creating worker thread number w > this value fails as if the process
/// had hit its thread limit (tests/parallel_test.cpp). -1 (the default): never.
inline int thread_creation_fails_after = -1;

/// Runs body(i, worker) for every i in [0, count) on up to `threads` threads (the calling thread is
/// worker 0; worker < threads). Indices are handed out in increasing order. If bodies throw, every
/// index below the lowest failing one still runs and that lowest index's exception is rethrown, so
/// the error reported does not depend on the thread count either. If a thread cannot be created,
/// the loop runs on the threads it has (at least the calling one).
template <typename Body>
void parallel_for(std::size_t count, int threads, Body&& body) {
  const std::size_t workers = std::min<std::size_t>(threads < 1 ? 1 : static_cast<std::size_t>(threads), count);
  if (workers <= 1) {
    for (std::size_t i = 0; i < count; ++i) body(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> first_failure{std::numeric_limits<std::size_t>::max()};
  std::mutex mutex;
  std::exception_ptr failure;
  auto run = [&](int worker) {
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count || i > first_failure.load()) return;
      try {
        body(i, worker);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (i < first_failure.load()) {
          first_failure.store(i);
          failure = std::current_exception();
        }
      }
    }
  };
  // A thread that cannot be created (a process limit, RLIMIT_NPROC, no memory for its stack) is
  // not an error: the threads that exist, and the calling thread, do the work. Indices go to
  // per-index slots, so the result is the same with fewer threads.
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) {
    try {
      if (thread_creation_fails_after >= 0 && static_cast<int>(w) > thread_creation_fails_after) {
        throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again), "test hook");
      }
      pool.emplace_back(run, static_cast<int>(w));
    } catch (const std::system_error&) {
      break;
    }
  }
  run(0);
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace qqt::detail
