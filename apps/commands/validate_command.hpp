// qqt validate: a fitted config's predictions against held-out runs, with an optional MAE gate.
#pragma once

#include <optional>
#include <string>

#include "../common.hpp"

namespace qqt::cli {

struct ValidateArgs {
  std::string config_path;                      ///< --config (required)
  std::string observations;                     ///< --observations (required)
  std::optional<double> max_mae;                ///< --max-mae: exit 3 above it
  std::optional<double> min_decision_accuracy;  ///< --min-decision-accuracy: exit 3 below it
  std::string format = "table";                 ///< --format
  std::string output_path;                      ///< --output; empty or "-" = standard output
};

void setup_validate(CLI::App& cmd, ValidateArgs& args);
int run_validate(const ValidateArgs& args, Context& ctx);

}  // namespace qqt::cli
