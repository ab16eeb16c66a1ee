// Plots drawn by gnuplot (Debian package gnuplot-nox): the paper's scaling curves with their
// crossovers and measured runs (Fig. 5), each pool's utility under repetition (Fig. 4 right), and
// a fitted config's curves through the runs it was fitted to (Fig. 4 left). A plot is first a PlotSpec (data and labels), then a
// gnuplot script with the data inline, then an image written atomically.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qqt/config.hpp"
#include "qqt/observations.hpp"
#include "qqt/plan.hpp"
#include "qqt/search.hpp"

namespace qqt {

enum class PlotKind { curves, utility, fit };
/// "curves" | "utility" | "fit"; throws InputError otherwise.
PlotKind parse_plot_kind(std::string_view text);

enum class ImageFormat { svg, png, pdf };
/// From the file name's extension (.svg, .png, .pdf, case-insensitive); throws InputError otherwise.
ImageFormat image_format_for(const std::string& path);

struct PlotOptions {
  /// Budgets (samples seen) at which curves are drawn; at least 2, ascending. Empty = the default
  /// range: 240 log-spaced points from max(1M, 2 N0/a) to 1000 x the total pool size.
  std::vector<double> budgets_samples;
  int width_px = 900;    ///< image width in pixels (PDF: at 100 px per inch); range [300, 4000]
  int height_px = 560;   ///< image height in pixels; range [200, 4000]
  ImageFormat format = ImageFormat::svg;
  /// Curves only: search families drawn besides the top-k levels, each as the curve of its best
  /// strategy at every budget (subsets, threshold, mixture; topk is always drawn). Default none.
  std::vector<Family> families;
  /// Worker threads for those searches; output does not depend on it. Range [1, 256]. Default 1.
  int threads = 1;
};
void validate(const PlotOptions& options);

/// One drawn series.
struct PlotSeries {
  enum class Style { line, envelope, points };
  std::string title;
  Style style = Style::line;
  int color = 0;  ///< gnuplot line colour index (1, 2, ...); 0 = by position
  std::vector<double> x, y;
};

/// A vertical mark with its label (crossover budgets).
struct PlotMark {
  double x = 0.0;
  std::string label;
};

struct PlotSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  bool budget_x = false;  ///< x is a sample count: ticks are labelled 1M, 10M, 100M, 1B, ...
  std::vector<PlotSeries> series;
  std::vector<PlotMark> marks;
};

/// Predicted error of every strategy (default: the top-k levels) against samples seen, the best
/// strategy of each family in options.families ("best mixture"), the lower envelope (the best of
/// all at each budget) and the crossovers between the top-k levels.
PlotSpec curves_plot(const Config& config, const std::vector<NamedStrategy>& strategies, const PlotOptions& options);

/// Adds measured runs to a curves plot as points: runs on exactly the pools of one strategy get
/// that strategy's colour ("measured: top 20%"), other runs are grouped by their `pool` field.
void add_observations(PlotSpec& curves, const Config& config, const std::vector<NamedStrategy>& strategies,
                      const Observations& observations);

/// Observations and the fitted law per run group (each distinct `pool` field: a pool or a union
/// a+b): the runs as points and the config's prediction for that group as a curve of the same
/// colour, over samples seen from half the smallest to twice the largest observed budget.
PlotSpec fit_plot(const Config& config, const Observations& observations);

/// Each pool's utility -b delta^k against repetitions k (alone, tau_hat = tau), k = 0..K with K
/// covering three half-lives of the slowest pool (10 <= K <= 200).
PlotSpec utility_plot(const Config& config);

/// The gnuplot script (data inline) that draws `spec` into `output_path`.
std::string gnuplot_script(const PlotSpec& spec, const PlotOptions& options, const std::string& output_path);

/// Runs gnuplot on the script into a temporary file and renames it to `output_path`. Throws
/// EnvironmentError if gnuplot is missing, InternalError if it rejects the script.
void render_plot(const PlotSpec& spec, const PlotOptions& options, const std::string& output_path);

/// "1M", "10M", "1B" tick labels for the decades of [lo, hi].
std::vector<std::pair<double, std::string>> budget_ticks(double lo, double hi);

}  // namespace qqt
