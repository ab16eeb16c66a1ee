// qqt predict: the predicted error of one explicit strategy at each budget.
#pragma once

#include <string>

#include "../common.hpp"

namespace qqt::cli {

struct PredictArgs {
  CommonArgs common;
  std::string fractions_text;  ///< --fractions
  std::string weights_text;    ///< --weights
};

void setup_predict(CLI::App& cmd, PredictArgs& args);
int run_predict(const PredictArgs& args, Context& ctx);

}  // namespace qqt::cli
