// The limits qqt enforces on its inputs and on the work they ask for, in one place
// (docs/reliability.md "Limits"). Past a limit qqt refuses with one line naming the limit, exit 2,
// before it allocates: a hostile or mistaken input must not exhaust memory or hang.
#pragma once

#include <cstddef>

namespace qqt::limits {

/// Largest input file (config, observations, --expect baseline; also standard input), in bytes.
/// A config is a few kB and a large observations CSV a few MB; 64 MiB stops `--config /dev/zero`.
inline constexpr std::size_t kMaxInputBytes = std::size_t{64} << 20;

/// Deepest YAML nesting (maps and lists) a config may use. A config needs 4 levels; yaml-cpp
/// recurses once per level, so an unbounded depth would exhaust the stack.
inline constexpr int kMaxYamlDepth = 64;

/// Most pools in a config. Each top-k level lists every pool (its fractions and weights), so a
/// plan holds pools^2 numbers per budget; past this the output alone would be gigabytes.
inline constexpr std::size_t kMaxPools = 2000;

/// Most (budget, level, pool) cells one plan may hold: budgets x pools^2, since each top-k level
/// lists every pool at every budget in the output. Measured: 3,000 pools at one budget (9e6 cells)
/// wrote 184 MB of CSV at 1.38 GB peak memory; 1e7 cells keeps a plan near that.
inline constexpr double kMaxPlanCells = 1e7;

}  // namespace qqt::limits
