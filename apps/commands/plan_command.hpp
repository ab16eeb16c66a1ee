// qqt plan: the best strategy of each search family at each budget.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "../common.hpp"

namespace qqt::cli {

struct PlanArgs {
  CommonArgs common;
  std::string expect_path;           ///< --expect: baseline JSON
  double tolerance = 1e-6;           ///< --tolerance (set from RegressionOptions in setup_plan)
  std::string search_text;           ///< --search
  std::string max_unique_text;       ///< --max-unique
  std::string weight_bounds_text;    ///< --weight-bounds
  double max_passes = 0.0;           ///< --max-passes (set to kNoLimit in setup_plan)
  std::optional<double> min_weight;  ///< --min-weight
  std::optional<double> max_weight;  ///< --max-weight
  bool allow_unseen = false;         ///< --allow-unseen
  std::uint64_t seed = 0;            ///< --seed (set from MixtureSearchOptions in setup_plan)
  int threads = 1;                   ///< --threads (set from default_threads() in setup_plan)
  int warm_chain = 64;               ///< --warm-chain (set from SearchOptions in setup_plan)
};

void setup_plan(CLI::App& cmd, PlanArgs& args);
int run_plan(const PlanArgs& args, Context& ctx);

}  // namespace qqt::cli
