#include "qqt/plot.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "qqt/bootstrap.hpp"
#include "qqt/error.hpp"
#include "qqt/fit.hpp"
#include "qqt/io.hpp"
#include "qqt/metric.hpp"
#include "qqt/output.hpp"
#include "qqt/quantity.hpp"
#include "qqt/text.hpp"

extern char** environ;

namespace qqt {

PlotKind parse_plot_kind(std::string_view text) {
  if (text == "curves") return PlotKind::curves;
  if (text == "utility") return PlotKind::utility;
  if (text == "fit") return PlotKind::fit;
  throw InputError(fmt::format("plot: '{}' is not a plot kind; use curves, utility or fit", text));
}

ImageFormat image_format_for(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".svg") return ImageFormat::svg;
  if (ext == ".png") return ImageFormat::png;
  if (ext == ".pdf") return ImageFormat::pdf;
  throw InputError(fmt::format("--output {}: the file name must end in .svg, .png or .pdf", path));
}

YMeasure parse_y_measure(std::string_view text, std::string_view what) {
  if (text == "error") return YMeasure::error;
  if (text == "accuracy") return YMeasure::accuracy;
  throw InputError(fmt::format("{}: '{}' is not a y measure; use error or accuracy", what, text));
}

PlotSize parse_plot_size(std::string_view text, std::string_view what) {
  // (Column: 3 in high, so that a title of a few lines and the legend below leave room for the data.)
  // Column and text widths of two-column papers (CVPR/ICCV 3.25 in and 6.875 in, IEEE 3.5 in and
  // 7.16 in, NeurIPS single column 5.5 in): 3.3 in and 6.9 in fit them all when scaled by at most 6%.
  if (text == "column") return {3.3, 3.0, 8.0};
  if (text == "page") return {6.9, 4.3, 9.0};
  const auto x = text.find('x');
  auto number = [&](std::string_view part, double& out) {
    const std::string item(part);
    char* end = nullptr;
    out = std::strtod(item.c_str(), &end);
    return !item.empty() && end == item.c_str() + item.size() && std::isfinite(out);
  };
  PlotSize size{0.0, 0.0, 8.0};
  if (x == std::string_view::npos || !number(text.substr(0, x), size.width_in) || !number(text.substr(x + 1), size.height_in)) {
    throw InputError(fmt::format("{}: '{}' is not a size; use column, page or WIDTHxHEIGHT in inches (e.g. 4x3)", what, text));
  }
  return size;
}

void validate(const PlotOptions& o) {
  if (o.size) {
    if (o.width_px || o.height_px) throw InputError("give --size or --width/--height, not both");
    if (!(o.size->width_in >= 1 && o.size->width_in <= 40))
      throw InputError(fmt::format("--size: the width must be in [1, 40] inches, got {}", o.size->width_in));
    if (!(o.size->height_in >= 1 && o.size->height_in <= 40))
      throw InputError(fmt::format("--size: the height must be in [1, 40] inches, got {}", o.size->height_in));
    if (!(o.size->font_pt >= 5 && o.size->font_pt <= 30))
      throw InputError(fmt::format("--size: the type size must be in [5, 30] points, got {}", o.size->font_pt));
  }
  if (o.width_px && (*o.width_px < 300 || *o.width_px > 4000))
    throw InputError(fmt::format("--width must be in [300, 4000] pixels, got {}", *o.width_px));
  if (o.height_px && (*o.height_px < 200 || *o.height_px > 4000))
    throw InputError(fmt::format("--height must be in [200, 4000] pixels, got {}", *o.height_px));
  if (o.threads < 1 || o.threads > 256) throw InputError(fmt::format("--threads must be in [1, 256], got {}", o.threads));
  if (!o.budgets_samples.empty()) {
    if (o.budgets_samples.size() < 2) throw InputError("plot: budgets need at least 2 points (use --budgets FROM:TO:N with N >= 2)");
    for (std::size_t i = 1; i < o.budgets_samples.size(); ++i) {
      if (!(o.budgets_samples[i] > o.budgets_samples[i - 1])) throw InputError("plot: budgets must be strictly ascending");
    }
  }
}

YAxis y_axis(const Model& model, YMeasure measure) {
  // The metric's kind (metric.hpp) gives the axis range; accuracy = 1 - y only for an error rate (spec §2).
  const MetricKindInfo& kind = info(model.metric.kind);
  const std::string& name = model.metric.name;
  YAxis axis;
  axis.min = kind.min_value;
  axis.max = std::isfinite(kind.max_value) ? kind.max_value : NAN;
  axis.measure = measure;
  if (measure == YMeasure::error) {
    axis.label = name;
  } else {
    if (!kind.shows_accuracy) {
      throw InputError(
          fmt::format("--y accuracy: the metric '{}' is a {}; accuracy (1 - y) is shown for error rates only", printable(name), kind.name));
    }
    constexpr std::string_view kError = "error";
    const bool ends_in_error = name.size() >= kError.size() && name.compare(name.size() - kError.size(), kError.size(), kError) == 0;
    axis.label = ends_in_error ? name.substr(0, name.size() - kError.size()) + "accuracy" : "accuracy (1 - " + name + ")";
  }
  return axis;
}

std::vector<std::pair<double, std::string>> budget_ticks(double lo, double hi) {
  // Decades; when the range holds fewer than three, the 1-2-5 steps inside them too.
  auto ticks_with = [&](std::initializer_list<double> steps) {
    std::vector<std::pair<double, std::string>> ticks;
    for (double decade = std::pow(10.0, std::floor(std::log10(lo))); decade <= hi; decade *= 10) {
      for (const double step : steps) {
        const double t = decade * step;
        if (t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12)) ticks.emplace_back(t, format_count(t));
      }
    }
    return ticks;
  };
  auto ticks = ticks_with({1.0});
  if (ticks.size() < 3) ticks = ticks_with({1.0, 2.0, 5.0});
  return ticks;
}

namespace {

std::vector<double> default_budgets(const Model& m) {
  double total = 0.0;
  for (const auto& p : m.pools) total += p.size_samples;
  const double lo = std::max(1e6, 2 * m.params.normalizer / m.params.a);
  const double hi = std::max(lo * 100, std::min(kMaxCount, 1000 * total));
  std::vector<double> out(240);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * static_cast<double>(i) / static_cast<double>(out.size() - 1));
  }
  return out;
}

// A label as a gnuplot *single-quoted* string: the only form gnuplot never evaluates. Inside
// double quotes gnuplot runs `backquoted` shell commands before parsing the line, so a pool name
// like a`touch pwned` in a shared config would run code (gnuplot 5.4 docs, "Substitution": "not
// done inside single quotes"). Single quotes have no escapes, so ' is doubled; control characters
// (newlines end the command, NUL ends the string) become spaces. `@` macros and system() are not
// expanded inside any string; enhanced-text markup is off for every label (noenhanced).
std::string gp_string(std::string_view s) {
  std::string out = "'";
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\'') {
      out += "''";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A file path for gnuplot: a single-quoted string, refused if it holds a character that the
// string cannot carry literally (a control character would be changed, so the file would go elsewhere).
std::string gp_path(const std::string& path) {
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      throw InputError(fmt::format("output path '{}' holds a control character, which gnuplot cannot be given", gp_string(path)));
    }
  }
  return gp_string(path);
}

}  // namespace

PlotSpec curves_plot(const Config& config, const std::vector<NamedStrategy>& strategies, const PlotOptions& options) {
  validate(options);
  const YAxis y = y_axis(config.model, options.y);
  PlanOptions plan_options;
  plan_options.budgets_samples = options.budgets_samples.empty() ? default_budgets(config.model) : options.budgets_samples;
  const PlanResult r = plan(config.model, strategies, plan_options);
  PlotSpec spec;
  spec.title = fmt::format("Predicted {} by filter level ({} law)", y.label, to_string(config.model.params.law));
  spec.x_label = "samples seen";
  spec.y_label = y.label;
  spec.y_min = y.min;
  spec.y_max = y.max;
  spec.log_x = true;
  spec.budget_x = true;
  int color = 0;
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    PlotSeries s;
    s.title = strategies[i].label;
    s.color = color++;
    for (const auto& b : r.budgets) {
      s.x.push_back(b.budget_samples);
      s.y.push_back(y.of(b.candidates[i].error));
    }
    spec.series.push_back(std::move(s));
  }
  // The best error of all at each budget (the envelope), shown in the axis' measure at the end.
  std::vector<double> best_error;
  PlotSeries envelope;
  envelope.title = "best of all";
  envelope.style = PlotSeries::Style::envelope;
  for (const auto& b : r.budgets) {
    envelope.x.push_back(b.budget_samples);
    best_error.push_back(b.best_candidate().error);
  }
  std::vector<Family> extra;
  for (const Family f : options.families) {
    if (f != Family::topk) extra.push_back(f);
  }
  if (!extra.empty()) {
    SearchOptions search;
    search.families = extra;
    search.threads = options.threads;
    const PlanResult found = search_plan(config.model, plan_options, search);
    for (std::size_t f = 0; f < extra.size(); ++f) {
      PlotSeries s;
      s.title = fmt::format("best {}", to_string(extra[f]));
      s.color = color++;
      for (std::size_t j = 0; j < found.budgets.size(); ++j) {
        const auto& family = found.budgets[j].families;
        const auto it = std::find_if(family.begin(), family.end(), [&](const FamilyBest& fb) { return fb.family == extra[f]; });
        if (it == family.end() || !it->best) continue;
        s.x.push_back(found.budgets[j].budget_samples);
        s.y.push_back(y.of(it->best->error));
        best_error[j] = std::min(best_error[j], it->best->error);
      }
      spec.series.push_back(std::move(s));
    }
  }
  for (const double e : best_error) envelope.y.push_back(y.of(e));
  spec.series.push_back(std::move(envelope));
  for (const auto& x : r.crossovers) spec.marks.push_back({x.budget_samples, format_count(x.budget_samples, 3)});
  return spec;
}

namespace {

// The runs of each distinct `pool` field, in order of first appearance.
using RunGroups = std::vector<std::pair<std::string, std::vector<const Observation*>>>;
void add_groups(RunGroups& groups, const Observations& observations) {
  for (const auto& row : observations.rows) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == row.pool; });
    if (it == groups.end()) {
      groups.push_back({row.pool, {}});
      it = groups.end() - 1;
    }
    it->second.push_back(&row);
  }
}

PlotSeries points_of(const std::string& title, const std::vector<const Observation*>& rows, int color, const YAxis& y,
                     PlotSeries::Style style = PlotSeries::Style::points) {
  PlotSeries s;
  s.title = title;
  s.style = style;
  s.color = color;
  for (const Observation* r : rows) {
    s.x.push_back(r->samples_seen);
    s.y.push_back(y.of(r->error));
  }
  return s;
}

// A file's name without its folders, for titles ("runs.csv", "<stdin>").
std::string file_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string runs(std::size_t n) { return count_of(n, "run"); }

}  // namespace

void add_observations(PlotSpec& curves, const Config& config, const std::vector<NamedStrategy>& strategies,
                      const Observations& observations, const PlotOptions& options) {
  const YAxis y = y_axis(config.model, options.y);
  // The curves' budgets (any line series: all share them) for the curves of other run groups.
  std::vector<double> budgets;
  int next_color = 0;
  for (const auto& s : curves.series) {
    if (s.style == PlotSeries::Style::line && budgets.empty()) budgets = s.x;
    next_color = std::max(next_color, s.color + 1);
  }
  RunGroups groups;
  add_groups(groups, observations);
  bool own_curves = false;
  for (const auto& [name, rows] : groups) {
    const Strategy run = strategy_of(*rows.front(), config.model);
    std::optional<std::size_t> match;
    for (std::size_t i = 0; i < strategies.size() && !match; ++i) {
      const Strategy& s = strategies[i].strategy;
      if (s.fractions == run.fractions && s.weights.empty()) match = i;
    }
    // The runs are untitled: the subtitle says that each sits on the curve of its colour.
    if (match) {
      // Curves are drawn first, one per strategy, so strategy i is series i.
      curves.series.push_back(points_of("", rows, curves.series[*match].color, y));
      continue;
    }
    // No drawn curve is this group's strategy: draw its own, dashed, in the colour of its runs.
    own_curves = true;
    const int color = next_color++;
    PlotSeries curve;
    curve.title = name;
    curve.color = color;
    curve.dashed = true;
    const Mixture mix(config.model, run);
    for (const double n : budgets) {
      curve.x.push_back(n);
      curve.y.push_back(y.of(mix.error(n)));
    }
    curves.series.push_back(std::move(curve));
    curves.series.push_back(points_of("", rows, color, y));
  }
  if (!curves.subtitle.empty()) curves.subtitle += "\n";
  curves.subtitle += fmt::format("points: {} of {}, on the curve of their colour{}", runs(observations.rows.size()),
                                 file_name(observations.source), own_curves ? " (dashed: pools of no level)" : "");
}

PlotSpec fit_plot(const Config& config, const Observations& observations, const Observations* holdout, const PlotOptions& options) {
  const YAxis y = y_axis(config.model, options.y);
  PlotSpec spec;
  spec.title = fmt::format("{} law (lines) and runs (points)", to_string(config.model.params.law));
  std::string points = fmt::format("filled: {} of {}", runs(observations.rows.size()), file_name(observations.source));
  if (holdout) points += fmt::format("; open: {} held out, of {}", runs(holdout->rows.size()), file_name(holdout->source));
  const BootstrapRecord* boot =
      config.fit && config.fit->bootstrap && !config.fit->bootstrap->sets.empty() ? &*config.fit->bootstrap : nullptr;
  std::string fitted = !config.fit ? "config: no fit: block (not fitted by qqt)"
                                   : fmt::format("config: fitted to {} of {}", runs(config.fit->rows), file_name(config.fit->observations));
  if (boot) fitted += fmt::format("\nbands: {:g}% of {} bootstrap fits", 100 * boot->level, boot->sets.size());
  spec.subtitle = points + "\n" + fitted;
  spec.x_label = "samples seen";
  spec.y_label = y.label;
  spec.y_min = y.min;
  spec.y_max = y.max;
  spec.log_x = true;
  spec.budget_x = true;
  RunGroups groups, held_groups;
  add_groups(groups, observations);
  if (holdout) add_groups(held_groups, *holdout);
  std::vector<std::string> names;
  for (const auto* g : {&groups, &held_groups}) {
    for (const auto& [name, rows] : *g) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  double lo = INFINITY, hi = 0;
  for (const auto* file : {&observations, holdout}) {
    if (!file) continue;
    for (const auto& r : file->rows) {
      lo = std::min(lo, r.samples_seen);
      hi = std::max(hi, r.samples_seen);
    }
  }
  lo /= 2;
  hi *= 2;
  constexpr int kPoints = 200;
  std::vector<double> xs(kPoints);
  for (int i = 0; i < kPoints; ++i)
    xs[static_cast<std::size_t>(i)] = std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (kPoints - 1));
  std::vector<Model> set_models;
  if (boot) {
    for (const ParameterSet& set : boot->sets) set_models.push_back(with_parameters(config.model, set));
  }
  auto rows_of = [](const RunGroups& g, const std::string& name) -> const std::vector<const Observation*>* {
    const auto it = std::find_if(g.begin(), g.end(), [&](const auto& e) { return e.first == name; });
    return it == g.end() ? nullptr : &it->second;
  };
  for (std::size_t c = 0; c < names.size(); ++c) {
    const auto* train_rows = rows_of(groups, names[c]);
    const auto* held_rows = rows_of(held_groups, names[c]);
    const Observation& first = train_rows ? *train_rows->front() : *held_rows->front();
    const int color = static_cast<int>(c);
    const Strategy strategy = strategy_of(first, config.model);
    if (boot) {
      // The central band: percentiles (1 -+ level) / 2 of the sets' predictions at each budget.
      PlotSeries band;
      band.style = PlotSeries::Style::band;
      band.color = color;
      std::vector<Mixture> mixtures;
      for (const Model& m : set_models) mixtures.emplace_back(m, strategy);
      std::vector<double> values(mixtures.size());
      for (const double n : xs) {
        for (std::size_t k = 0; k < mixtures.size(); ++k) values[k] = y.of(mixtures[k].error(n));
        band.x.push_back(n);
        band.y.push_back(quantile(values, (1 - boot->level) / 2));
        band.y_hi.push_back(quantile(values, (1 + boot->level) / 2));
      }
      spec.series.push_back(std::move(band));
    }
    const Mixture mix(config.model, strategy);
    PlotSeries curve;
    curve.title = names[c];
    curve.color = color;
    for (const double n : xs) {
      curve.x.push_back(n);
      curve.y.push_back(y.of(mix.error(n)));
    }
    spec.series.push_back(std::move(curve));
    if (train_rows) spec.series.push_back(points_of("", *train_rows, color, y));  // the runs, in the colour of their curve
    if (held_rows) spec.series.push_back(points_of("", *held_rows, color, y, PlotSeries::Style::open_points));
  }
  return spec;
}

PlotSpec utility_plot(const Config& config) {
  double max_tau = 0.0;
  for (const auto& p : config.model.pools) max_tau = std::max(max_tau, p.tau_passes);
  const int k_max = static_cast<int>(std::clamp(std::ceil(3 * max_tau), 10.0, 200.0));
  PlotSpec spec;
  spec.title = "Utility of each pool under repetition";
  spec.x_label = "repetitions k (passes over the pool)";
  spec.y_label = "utility  -b 0.5^(k/tau)";
  int color = 0;
  for (const auto& p : config.model.pools) {
    PlotSeries s;
    s.title = fmt::format("{} (b = {:.3g}, tau = {:.3g})", p.name, p.b, p.tau_passes);
    s.color = color++;
    for (int k = 0; k <= k_max; ++k) {
      s.x.push_back(k);
      s.y.push_back(-p.b * std::pow(0.5, k / p.tau_passes));
    }
    spec.series.push_back(std::move(s));
  }
  return spec;
}

namespace {

// How the figure is drawn: the terminal line, the type size (in the units of `width`) and the
// width, so that the legend's columns can be fitted to the type.
struct Canvas {
  std::string terminal;
  double font_request = 0.0;  ///< the type size given to the terminal (its own units)
  double font = 0.0;          ///< the type size in the units of `width`
  double width = 0.0;         ///< image width
  double height = 0.0;        ///< image height, in the same units
  double line_scale = 1.0;    ///< multiplies every line width and point size
  double font_pt = 0.0;       ///< the printed type size, for a figure drawn at a PlotSize (else 0)
  /// Scale of small labels (crossover marks): 85% of the type, but never below 7 pt in print.
  double small_scale() const { return font_pt > 0 ? std::max(0.85, 7.0 / font_pt) : 0.85; }
  std::string font_spec(double scale) const { return fmt::format("\",{:.3g}\"", font_request * scale); }
};

Canvas canvas_for(const PlotOptions& options) {
  Canvas c;
  // gnuplot 5.4's cairo terminals draw type through pango at 96 dpi: pdfcairo's type is the
  // requested size x fontscale x 4/3 (hence fontscale 0.75 for exact points), pngcairo's is the
  // requested size x 4/3 pixels; svg writes the requested size as CSS pixels (96 per inch).
  std::optional<PlotSize> size = options.size;
  if (!size && !options.width_px && !options.height_px && options.format == ImageFormat::pdf) size = parse_plot_size("page", "--size");
  if (size) {
    c.font_pt = size->font_pt;
    switch (options.format) {
      case ImageFormat::pdf:
        c.terminal =
            fmt::format("set terminal pdfcairo size {:g}in,{:g}in font \"Helvetica,{:g}\" fontscale 0.75 background rgb \"white\"\n",
                        size->width_in, size->height_in, size->font_pt);
        c.font_request = c.font = size->font_pt;
        c.width = 72 * size->width_in;
        c.height = 72 * size->height_in;
        c.line_scale = 0.8;
        break;
      case ImageFormat::png: {
        const double px_per_pt = kPngDpi / 72.0;
        c.terminal = fmt::format("set terminal pngcairo size {},{} font \"Helvetica,{:.3g}\" linewidth {:.3g} background rgb \"white\"\n",
                                 std::lround(size->width_in * kPngDpi), std::lround(size->height_in * kPngDpi),
                                 size->font_pt * px_per_pt * 0.75, px_per_pt * 0.75 * 0.8);
        c.font_request = size->font_pt * px_per_pt * 0.75;
        c.font = size->font_pt * px_per_pt;
        c.width = size->width_in * kPngDpi;
        c.height = size->height_in * kPngDpi;
        c.line_scale = 1.0;  // the terminal's linewidth scales the lines
        break;
      }
      case ImageFormat::svg:
        c.terminal = fmt::format("set terminal svg size {},{} dynamic font \"Helvetica,{:.3g}\" background rgb \"white\"\n",
                                 std::lround(size->width_in * 96), std::lround(size->height_in * 96), size->font_pt * 96 / 72);
        c.font_request = c.font = size->font_pt * 96 / 72;
        c.width = size->width_in * 96;
        c.height = size->height_in * 96;
        c.line_scale = 0.8;
        break;
    }
    return c;
  }
  const int w = options.width_px.value_or(900);
  const int h = options.height_px.value_or(560);
  c.width = w;
  c.height = h;
  switch (options.format) {
    case ImageFormat::svg:
      c.terminal = fmt::format("set terminal svg size {},{} dynamic font \"Helvetica,13\" background rgb \"white\"\n", w, h);
      c.font_request = c.font = 13;
      break;
    case ImageFormat::png:
      c.terminal = fmt::format("set terminal pngcairo size {},{} font \"Helvetica,11\" background rgb \"white\"\n", w, h);
      c.font_request = 11;
      c.font = 11 * 4.0 / 3;
      break;
    case ImageFormat::pdf:
      // 100 px per inch; 9 pt type.
      c.terminal = fmt::format("set terminal pdfcairo size {:g}in,{:g}in font \"Helvetica,9\" fontscale 0.75 background rgb \"white\"\n",
                               w / 100.0, h / 100.0);
      c.font_request = c.font = 9;
      c.width = 72 * w / 100.0;
      c.height = 72 * h / 100.0;
      break;
  }
  return c;
}

std::string color_of(const PlotSeries& series, std::size_t position) {
  const std::size_t i = series.color >= 0 ? static_cast<std::size_t>(series.color) : position;
  return kPalette[i % kPaletteSize];
}

// `text` broken at spaces into lines of at most `width` characters (a longer word stays whole).
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

// The light grey of the envelope band behind the curves.
constexpr const char* kEnvelopeColor = "#CCCCCC";

}  // namespace

std::string gnuplot_script(const PlotSpec& spec, const PlotOptions& options, const std::string& output_path) {
  validate(options);
  const Canvas canvas = canvas_for(options);
  std::string s = "# Drawn by qqt; restyle freely and run with: gnuplot THIS_FILE\n";
  s += canvas.terminal;
  s += fmt::format("set output {}\n", gp_path(output_path));
  // The title, then the subtitle's lines under it, each wrapped at spaces to the image's width
  // (about 0.52 em per character of Helvetica, 2 em of margins), joined with gnuplot's "\n"
  // between single-quoted, literal parts.
  const double width_em = canvas.width / canvas.font;
  const auto line_chars = static_cast<std::size_t>(std::max(20.0, (width_em - 2.0) / 0.52));
  std::vector<std::string> title_lines = wrap(spec.title, line_chars);
  for (std::size_t start = 0; !spec.subtitle.empty() && start <= spec.subtitle.size();) {
    const auto end = std::min(spec.subtitle.find('\n', start), spec.subtitle.size());
    for (auto& line : wrap(spec.subtitle.substr(start, end - start), line_chars)) title_lines.push_back(std::move(line));
    start = end + 1;
  }
  std::string title;
  for (const auto& line : title_lines) title += (title.empty() ? "" : ".\"\\n\".") + gp_string(line);
  s += fmt::format("set title {} noenhanced\nset xlabel {} noenhanced\nset ylabel {} noenhanced\n", title, gp_string(spec.x_label),
                   gp_string(spec.y_label));
  s += "set border 3\nset tics nomirror\nset grid xtics ytics lc rgb \"#e0e0e0\" lw 1\n";
  // The legend sits below the axes, outside the data, one or more rows. gnuplot does not leave
  // room for the x label under a bottom key, so the margin is set here. Columns that fit: about
  // gnuplot gives each column 0.6 em per character of the longest title, plus the line sample
  // and gaps (about 5 characters); with fewer columns than asked it would add rows, and the legend
  // would climb over the x label.
  std::size_t longest = 1;
  std::size_t titled = 0;
  for (const auto& series : spec.series) {
    longest = std::max(longest, series.title.size());
    if (!series.title.empty()) ++titled;
  }
  const auto fit_columns = static_cast<std::size_t>(std::max(1.0, width_em / (0.6 * (static_cast<double>(longest) + 5.0))));
  const std::size_t key_columns = std::clamp<std::size_t>(fit_columns, 1, std::min<std::size_t>(3, std::max<std::size_t>(1, titled)));
  const std::size_t key_rows = (titled + key_columns - 1) / key_columns;
  s += fmt::format(
      "set key at screen 0.5, screen 0.01 center bottom horizontal maxcols {} Left reverse noenhanced spacing 1 samplen 2.5 width 1\n",
      key_columns);
  const double bottom_margin = 3.8 + 1.2 * static_cast<double>(key_rows);
  s += fmt::format("set bmargin {:.3g}\n", bottom_margin);
  // Above the axes: the title's lines, and the crossover labels.
  const double top_margin = static_cast<double>(title_lines.size()) + (spec.marks.empty() ? 1.0 : 1.9);
  s += fmt::format("set tmargin {:.3g}\n", top_margin);
  if (spec.log_x) s += "set logscale x\n";
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  auto in_range = [&](double v) { return !(v < spec.y_min) && !(v > spec.y_max); };  // NaN bounds admit all
  for (const auto& series : spec.series) {
    for (double x : series.x) {
      x_lo = std::min(x_lo, x);
      x_hi = std::max(x_hi, x);
    }
    for (const auto* ys : {&series.y, &series.y_hi}) {
      for (double v : *ys) {
        if (!in_range(v)) continue;
        y_lo = std::min(y_lo, v);
        y_hi = std::max(y_hi, v);
      }
    }
  }
  if (!spec.log_x && std::isfinite(x_lo)) s += fmt::format("set xrange [{}:{}]\n", exact_number(x_lo), exact_number(x_hi));
  if (spec.budget_x && std::isfinite(x_lo)) {
    const auto ticks = budget_ticks(x_lo, x_hi);
    if (ticks.size() >= 2) {
      std::vector<std::string> items;
      for (const auto& [value, label] : ticks) items.push_back(fmt::format("{} {}", gp_string(label), exact_number(value)));
      s += fmt::format("set xtics ({})\n", fmt::join(items, ", "));
    }
    s += fmt::format("set xrange [{}:{}]\n", exact_number(x_lo), exact_number(x_hi));
  }
  // The view is clipped to the values the law can take (no error above 1): the data's range
  // inside it, with 3% room on each side that stays inside it too.
  if ((std::isfinite(spec.y_min) || std::isfinite(spec.y_max)) && std::isfinite(y_lo)) {
    const double room = y_hi > y_lo ? 0.03 * (y_hi - y_lo) : 0.05 * std::max(1e-9, std::abs(y_hi));
    double lo = y_lo - room, hi = y_hi + room;
    if (std::isfinite(spec.y_min)) lo = std::max(lo, spec.y_min);
    if (std::isfinite(spec.y_max)) hi = std::min(hi, spec.y_max);
    s += fmt::format("set yrange [{}:{}]\n", exact_number(lo), exact_number(hi));
    // Tics 1, 2 or 5 x 10^k apart, at most one per 2 lines of type of the plot's height, so
    // that their labels never collide on a small figure.
    const double plot_lines = canvas.height / canvas.font / 1.2 - top_margin - bottom_margin;
    const double max_tics = std::max(2.0, plot_lines / 2.0);
    const double raw = (hi - lo) / max_tics;
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = raw <= decade ? decade : raw <= 2 * decade ? 2 * decade : raw <= 5 * decade ? 5 * decade : 10 * decade;
    s += fmt::format("set ytics {}\n", exact_number(step));
  }
  for (std::size_t i = 0; i < spec.marks.size(); ++i) {
    const PlotMark& m = spec.marks[i];
    s += fmt::format("set arrow {} from {}, graph 0 to {}, graph 1 nohead dashtype 2 lw {:.3g} lc rgb \"#777777\" back\n", i + 1,
                     exact_number(m.x), exact_number(m.x), 1.5 * canvas.line_scale);
    s += fmt::format("set label {} {} at {}, graph 1 center offset 0,0.6 font {} textcolor rgb \"#555555\" noenhanced\n", i + 1,
                     gp_string(m.label), exact_number(m.x), canvas.font_spec(canvas.small_scale()));
  }
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    s += fmt::format("$d{} << EOD\n", i);
    const auto& series = spec.series[i];
    for (std::size_t j = 0; j < series.x.size(); ++j) {
      s += fmt::format("{} {}", exact_number(series.x[j]), exact_number(series.y[j]));
      if (series.style == PlotSeries::Style::band) s += " " + exact_number(series.y_hi[j]);
      s += "\n";
    }
    s += "EOD\n";
  }
  // Drawing order: bands and the envelope behind, then the curves, then the runs on top.
  auto layer = [](const PlotSeries& series) {
    switch (series.style) {
      case PlotSeries::Style::band: return 0;
      case PlotSeries::Style::envelope: return 1;
      case PlotSeries::Style::line: return 2;
      case PlotSeries::Style::points:
      case PlotSeries::Style::open_points: return 3;
    }
    return 2;
  };
  std::vector<std::size_t> order(spec.series.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return layer(spec.series[a]) < layer(spec.series[b]); });
  const double lw = canvas.line_scale;
  std::vector<std::string> items;
  for (const std::size_t i : order) {
    const auto& series = spec.series[i];
    const std::string rgb = fmt::format("lc rgb \"{}\"", color_of(series, i));
    std::string style;
    switch (series.style) {
      case PlotSeries::Style::line:
        style = fmt::format("with {} lw {:.3g} {}{}", spec.log_x ? "lines" : "linespoints pt 7 ps 0.6", 2.5 * lw, rgb,
                            series.dashed ? " dt 2" : "");
        break;
      case PlotSeries::Style::envelope: style = fmt::format("with lines lw {:.3g} lc rgb \"{}\"", 9 * lw, kEnvelopeColor); break;
      case PlotSeries::Style::points: style = fmt::format("with points pt 7 ps {:.3g} {}", 1.1 * lw, rgb); break;
      case PlotSeries::Style::open_points: style = fmt::format("with points pt 6 ps {:.3g} lw {:.3g} {}", 1.3 * lw, 1.5 * lw, rgb); break;
      case PlotSeries::Style::band:
        style = fmt::format("with filledcurves fc rgb \"{}\" fs transparent solid 0.18 noborder", color_of(series, i));
        break;
    }
    const std::string columns = series.style == PlotSeries::Style::band ? "1:2:3" : "1:2";
    items.push_back(
        fmt::format("$d{} using {} {} {}", i, columns, style, series.title.empty() ? "notitle" : "title " + gp_string(series.title)));
  }
  s += fmt::format("plot {}\n", fmt::join(items, ", \\\n     "));
  s += "unset output\n";
  return s;
}

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

}  // namespace

void render_plot(const PlotSpec& spec, const PlotOptions& options, const std::string& output_path) {
  namespace fs = std::filesystem;
  validate(options);
  detail::PendingFile image_file(output_path);
  image_file.close();  // gnuplot writes it by name
  const std::string& image = image_file.temp_path();
  std::string script_path = (fs::temp_directory_path() / "qqt-plot-XXXXXX").string();
  const int script_fd = ::mkstemp(script_path.data());
  std::string err_path = (fs::temp_directory_path() / "qqt-gnuplot-err-XXXXXX").string();
  const int err_fd = ::mkstemp(err_path.data());
  auto cleanup = [&] {
    if (script_fd >= 0) ::unlink(script_path.c_str());
    if (err_fd >= 0) ::unlink(err_path.c_str());
  };
  if (script_fd < 0 || err_fd < 0) {
    cleanup();
    throw EnvironmentError("plot: cannot create temporary files");
  }
  const std::string script = gnuplot_script(spec, options, image);
  const bool written = ::write(script_fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
  ::close(script_fd);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  char arg0[] = "gnuplot";
  std::vector<char> arg1(script_path.begin(), script_path.end());
  arg1.push_back('\0');
  char* argv[] = {arg0, arg1.data(), nullptr};
  pid_t pid = -1;
  const int spawned = written ? ::posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ) : -1;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (spawned == 0) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  }
  ::close(err_fd);
  const std::string gnuplot_errors = read_all(err_path);
  cleanup();
  std::error_code size_error;
  const bool ok = spawned == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::file_size(image, size_error) > 0 && !size_error;
  if (!ok) {
    if (spawned != 0) throw EnvironmentError("plot: cannot run gnuplot; install it (Debian: apt-get install gnuplot-nox)");
    const auto first_line = gnuplot_errors.substr(0, gnuplot_errors.find('\n', gnuplot_errors.find_first_not_of('\n')));
    throw InternalError(fmt::format("plot: gnuplot failed (exit {}): {}", WIFEXITED(status) ? WEXITSTATUS(status) : -1, first_line));
  }
  image_file.commit();
}

}  // namespace qqt
