// qqt fit: fit the law's parameters to evaluation results; writes a config for plan.
#pragma once

#include <cstdint>
#include <string>

#include "../common.hpp"

namespace qqt::cli {

struct FitArgs {
  std::string config_path;       ///< --config (required): the pools to fit
  std::string observations;      ///< --observations (required)
  std::string output_path;       ///< --output; empty or "-" = standard output
  std::string law;               ///< --law; empty = the config's law
  std::string loss = "squared";  ///< --loss
  std::string fix;               ///< --fix
  std::string shared;            ///< --shared
  std::uint64_t seed = 0;        ///< --seed (set from FitOptions in setup_fit)
  int bootstrap = 0;             ///< --bootstrap N resamples; 0 = none
  int threads = 1;               ///< --threads for the bootstrap refits (set in setup_fit)
  bool cross_validate = false;   ///< --cross-validate
  std::string cv_by = "budget";  ///< --cv-by: what a fold leaves out (budget or group)
};

void setup_fit(CLI::App& cmd, FitArgs& args);
int run_fit(const FitArgs& args, Context& ctx);

}  // namespace qqt::cli
