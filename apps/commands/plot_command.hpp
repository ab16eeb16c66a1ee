// qqt plot: curves, utility or fit, drawn with gnuplot (or the gnuplot script printed).
#pragma once

#include <string>

#include "../common.hpp"
#include "qqt/plot.hpp"

namespace qqt::cli {

struct PlotArgs {
  std::string kind;          ///< curves | utility | fit
  std::string output_path;   ///< --output: the image
  std::string config_path;   ///< --config; empty = built-in default
  std::string budgets;       ///< --budgets FROM:TO:N
  std::string observations;  ///< --observations
  std::string search;        ///< --search (curves)
  std::string holdout;       ///< --holdout (fit): held-out runs
  std::string size;          ///< --size column|page|WxH
  std::string y;             ///< --y error|accuracy
  bool script = false;       ///< --script: print the gnuplot script instead of drawing
  PlotOptions options;       ///< --threads, --width, --height (--size and --y parsed into it)
};

void setup_plot(CLI::App& cmd, PlotArgs& args);
int run_plot(const PlotArgs& args, Context& ctx);

}  // namespace qqt::cli
