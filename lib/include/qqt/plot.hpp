// Plots drawn by gnuplot (Debian package gnuplot-nox): the paper's scaling curves with their
// crossovers and measured runs (Fig. 5), each pool's utility under repetition (Fig. 4 right), and
// a fitted config's curves through the runs it was fitted to and held-out runs (Fig. 4 left). A plot
// is first a PlotSpec (data and labels), then a gnuplot script with the data inline, then an image written atomically.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
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

/// What the y axis shows. An error rate can be shown as accuracy, 1 - error.
enum class YMeasure { error, accuracy };
/// "error" | "accuracy"; throws InputError naming `what` otherwise.
YMeasure parse_y_measure(std::string_view text, std::string_view what);

/// The printed size of a figure and its type size (what a paper needs: the type stays readable
/// when the figure is placed at this width). PDF is drawn at exactly this size; SVG at 96 px per
/// inch (CSS pixels) and PNG at kPngDpi pixels per inch, with the type scaled to match.
struct PlotSize {
  double width_in = 0.0;   ///< width in inches; range [1, 40]
  double height_in = 0.0;  ///< height in inches; range [1, 40]
  double font_pt = 0.0;    ///< type size at that width, in points; range [5, 30]
};
/// PNG resolution of a figure drawn at a PlotSize.
inline constexpr double kPngDpi = 200.0;
/// "column" (3.3 x 2.5 in, 8 pt: one column of a two-column paper), "page" (6.9 x 4.3 in, 9 pt:
/// the full text width), or "WxH" in inches (e.g. 4x3; 8 pt type). Throws InputError naming
/// `what` otherwise.
PlotSize parse_plot_size(std::string_view text, std::string_view what);

struct PlotOptions {
  /// Budgets (samples seen) at which curves are drawn; at least 2, ascending. Empty = the default
  /// range: 240 log-spaced points from max(1M, 2 N0/a) to 1000 x the total pool size.
  std::vector<double> budgets_samples;
  /// Printed size and type size (--size). When set, width_px and height_px must be empty. When
  /// neither is set: SVG and PNG are 900 x 560 px (screen type), PDF is the "page" size.
  std::optional<PlotSize> size;
  std::optional<int> width_px;   ///< image width in pixels (PDF: at 100 px per inch); range [300, 4000]; default 900
  std::optional<int> height_px;  ///< image height in pixels; range [200, 4000]; default 560
  ImageFormat format = ImageFormat::svg;
  /// What the y axis shows (curves and fit plots): the predicted error, or accuracy = 1 - error
  /// (error-rate metrics only). Default error.
  YMeasure y = YMeasure::error;
  /// Curves only: search families drawn besides the top-k levels, each as the curve of its best
  /// strategy at every budget (subsets, threshold, mixture; topk is always drawn). Default none.
  std::vector<Family> families;
  /// Worker threads for those searches; output does not depend on it. Range [1, 256]. Default 1
  /// (qqt plot: --threads, default default_threads()).
  int threads = 1;
};
void validate(const PlotOptions& options);

/// The colour-blind-safe palette of every plot (Okabe & Ito 2008, "Color Universal Design",
/// without its yellow, which is too pale on white, and darkened where needed so every colour has a
/// contrast of at least 3:1 against white, WCAG 2.1 SC 1.4.11). Series colour i is kPalette[i % size].
inline constexpr const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#A86A00", "#2A8BC1"};
inline constexpr std::size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

/// One drawn series.
struct PlotSeries {
  /// line: a curve; envelope: the best of all curves, drawn as a light band behind them;
  /// points: runs (filled symbols); open_points: held-out runs (open symbols); band: a shaded
  /// interval between y_lo and y_hi (drawn behind the curves, no legend entry when untitled).
  enum class Style { line, envelope, points, open_points, band };
  std::string title;
  Style style = Style::line;
  int color = -1;       ///< index into kPalette; -1 = by position among the series
  bool dashed = false;  ///< a dashed line (curves of run groups that are no plotted strategy)
  std::vector<double> x, y;
  std::vector<double> y_hi;  ///< band only: upper edge (y is the lower edge)
};

/// A vertical mark with its label (crossover budgets).
struct PlotMark {
  double x = 0.0;
  std::string label;
};

struct PlotSpec {
  std::string title;
  std::string subtitle;  ///< a second, smaller title line; may be empty
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  bool budget_x = false;  ///< x is a sample count: ticks are labelled 1M, 10M, 100M, 1B, ...
  /// The y range the law's values can take (an error rate: [0, 1]); the view is clipped to it.
  /// NaN = unbounded on that side.
  double y_min = NAN, y_max = NAN;
  std::vector<PlotSeries> series;
  std::vector<PlotMark> marks;
};

/// The y axis of a plot of `model`'s predictions: its label (the metric's name, or accuracy for
/// YMeasure::accuracy), the range its values can take, and y from a predicted error. The one place
/// that maps the metric to the axis. Throws InputError when `measure` does not apply to the metric.
struct YAxis {
  std::string label;
  double min = NAN, max = NAN;  ///< range of valid values; NaN = unbounded
  YMeasure measure = YMeasure::error;
  double of(double error) const { return measure == YMeasure::accuracy ? 1.0 - error : error; }
};
YAxis y_axis(const Model& model, YMeasure measure);

/// Predicted error of every strategy (default: the top-k levels) against samples seen, the best
/// strategy of each family in options.families ("best mixture"), the lower envelope (the best of
/// all at each budget) and the crossovers between the top-k levels.
PlotSpec curves_plot(const Config& config, const std::vector<NamedStrategy>& strategies, const PlotOptions& options);

/// Adds measured runs to a curves plot as points (untitled; the subtitle says what they are). Each
/// run group (each distinct `pool` field) sits on the curve of its own strategy, in that curve's
/// colour: runs on exactly the pools of a drawn strategy take its colour; for any other group (a
/// single pool that is no top-k level, a union of other pools) the group's own predicted curve is
/// added, dashed, titled with the group's `pool` field, in the colour of its points.
void add_observations(PlotSpec& curves, const Config& config, const std::vector<NamedStrategy>& strategies,
                      const Observations& observations, const PlotOptions& options = {});

/// Observations and the config's law per run group (each distinct `pool` field: a pool or a union
/// a+b): the runs as filled points, held-out runs (if given) as open points, and the config's
/// prediction for that group as a curve of the same colour, over samples seen from half the
/// smallest to twice the largest observed budget. With bootstrap parameter sets in the config's
/// `fit:` block, each curve gets its central band at the record's level (90% by default): the
/// percentiles of the predictions of the sets at each budget. The title says what is plotted: the
/// runs of each file, and whether the config has a `fit:` block and on how many runs it was fitted.
PlotSpec fit_plot(const Config& config, const Observations& observations, const Observations* holdout = nullptr,
                  const PlotOptions& options = {});

/// Each pool's utility -b delta^k against repetitions k (alone, tau_hat = tau), k = 0..K with K
/// covering three half-lives of the slowest pool (10 <= K <= 200). b and tau in the legend to 3
/// significant digits.
PlotSpec utility_plot(const Config& config);

/// The gnuplot script (data inline) that draws `spec` into `output_path`.
std::string gnuplot_script(const PlotSpec& spec, const PlotOptions& options, const std::string& output_path);

/// Runs gnuplot on the script into a temporary file and renames it to `output_path`. Throws
/// EnvironmentError if gnuplot is missing, InternalError if it rejects the script.
void render_plot(const PlotSpec& spec, const PlotOptions& options, const std::string& output_path);

/// "1M", "10M", "1B" tick labels for the decades of [lo, hi].
std::vector<std::pair<double, std::string>> budget_ticks(double lo, double hi);

}  // namespace qqt
