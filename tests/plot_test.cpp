// plot.cpp <-> plot_test.cpp: plot data is the law's, scripts are complete, gnuplot draws them.
#include "qqt/plot.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "qqt/bootstrap.hpp"
#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/fit.hpp"

using namespace qqt;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// WCAG 2.1 contrast ratio of an sRGB colour "#RRGGBB" against white (relative luminance, SC 1.4.3).
double contrast_on_white(const std::string& hex) {
  double rgb[3];
  for (int i = 0; i < 3; ++i) {
    const double v = std::stoi(hex.substr(1 + 2 * static_cast<std::size_t>(i), 2), nullptr, 16) / 255.0;
    rgb[i] = v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  }
  const double luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  return 1.05 / (luminance + 0.05);
}

// The plot command of a script (its items, one per line).
std::vector<std::string> plot_items(const std::string& script) {
  std::vector<std::string> items;
  std::istringstream in(script.substr(script.find("\nplot ") + 1));
  for (std::string line; std::getline(in, line) && line != "unset output";) items.push_back(line);
  return items;
}

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / fmt::format("qqt-plot-test-{}", ::getpid());
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("curves: one series per level, the envelope is their minimum, marks at the crossovers", "[plot]") {
  const Config c = default_config();
  const auto strategies = topk_strategies(c.model);
  const PlotSpec spec = curves_plot(c, strategies, {});
  REQUIRE(spec.series.size() == strategies.size() + 1);
  CHECK(spec.series[0].title == "top 10%");
  CHECK(spec.y_label == "ImageNet zero-shot error");
  CHECK(spec.log_x);
  const PlotSeries& envelope = spec.series.back();
  CHECK(envelope.style == PlotSeries::Style::envelope);
  // Default range: from max(1M, 2 N0/a) = 8M to 1000 x 51.2M.
  CHECK(envelope.x.front() == Approx(8e6));
  CHECK(envelope.x.back() == Approx(51.2e9));
  for (std::size_t j = 0; j < envelope.x.size(); ++j) {
    double lowest = INFINITY;
    for (std::size_t i = 0; i < strategies.size(); ++i) {
      // Each curve is the law itself at that budget.
      CHECK(spec.series[i].y[j] == predict_error(c.model, strategies[i].strategy, spec.series[i].x[j]));
      lowest = std::min(lowest, spec.series[i].y[j]);
    }
    CHECK(envelope.y[j] == lowest);
  }
  // The default range holds the top-1 -> top-2 and top-2 -> top-3 crossovers (plan_test checks them).
  REQUIRE(spec.marks.size() == 2);
  CHECK(spec.marks[0].label == "101M");
  CHECK(spec.marks[1].label == "1.1B");
}

TEST_CASE("utility: -b 0.5^(k/tau) per pool", "[plot]") {
  const Config c = default_config();
  const PlotSpec spec = utility_plot(c);
  REQUIRE(spec.series.size() == 4);
  // K covers three half-lives of the slowest pool: ceil(3 * 8.5455) = 26.
  CHECK(spec.series[0].x.size() == 27);
  CHECK(spec.series[0].y[0] == 0.16);
  CHECK(spec.series[1].y[10] == Approx(0.125 * std::pow(0.5, 10 / 8.5455)).epsilon(1e-15));
  // b and tau to 3 significant digits: tau = 2.2727 and 8.5455 in the config.
  CHECK(spec.series[3].title == "top 30-40% (b = -0.085, tau = 2.27)");
  CHECK(spec.series[1].title == "top 10-20% (b = -0.125, tau = 8.55)");
}

TEST_CASE("budget ticks and formats", "[plot]") {
  const auto ticks = budget_ticks(8e6, 5.12e10);
  REQUIRE(ticks.size() == 4);
  CHECK(ticks[0] == std::make_pair(1e7, std::string("10M")));
  CHECK(ticks[3] == std::make_pair(1e10, std::string("10B")));
  // Fewer than three decades in range: 1-2-5 steps.
  const auto narrow = budget_ticks(12.8e6, 512e6);
  REQUIRE(narrow.size() == 5);
  CHECK(narrow[0].second == "20M");
  CHECK(narrow[4].second == "500M");
  CHECK(image_format_for("a/b.SVG") == ImageFormat::svg);
  CHECK(image_format_for("x.png") == ImageFormat::png);
  CHECK(image_format_for("x.pdf") == ImageFormat::pdf);
  CHECK_THROWS_WITH(image_format_for("x.jpg"), "--output x.jpg: the file name must end in .svg, .png or .pdf");
  CHECK_THROWS_WITH(parse_plot_kind("bars"), Catch::Contains("'bars' is not a plot kind"));
  PlotOptions o;
  o.width_px = 100;
  CHECK_THROWS_WITH(validate(o), "--width must be in [300, 4000] pixels, got 100");
}

TEST_CASE("the script holds the data inline, labels and marks", "[plot]") {
  const Config c = default_config();
  const PlotSpec spec = curves_plot(c, topk_strategies(c.model), {});
  const std::string s = gnuplot_script(spec, {}, "out 'q\".svg");
  CHECK(s.find("set terminal svg size 900,560") != std::string::npos);
  // Single-quoted (never evaluated by gnuplot): ' is doubled, " needs no escape.
  CHECK(s.find("set output 'out ''q\".svg'") != std::string::npos);
  CHECK(s.find("set logscale x") != std::string::npos);
  CHECK(s.find("set xtics ('10M' 10000000, '100M' 100000000, '1B' 1000000000, '10B' 10000000000)") != std::string::npos);
  CHECK(count(s, " << EOD\n") == 5);
  CHECK(count(s, "set arrow ") == 2);
  CHECK(s.find("set ylabel 'ImageNet zero-shot error'") != std::string::npos);
  // One plot item per series: the plot command (after "plot ") lists each data block once.
  const std::string plot = s.substr(s.find("\nplot ") + 1);
  for (int i = 0; i < 5; ++i) CHECK(count(plot, fmt::format("$d{} using", i)) == 1);
  CHECK(count(plot, " title '") == 5);
}

TEST_CASE("gnuplot draws SVG, PNG and PDF files", "[plot][gnuplot]") {
  if (!have_gnuplot()) {
    WARN("gnuplot is not installed: scripts/setup.sh installs gnuplot-nox");
    return;
  }
  TempDir dir;
  const Config c = default_config();
  const PlotSpec curves = curves_plot(c, topk_strategies(c.model), {});
  const std::string svg = (dir.path / "curves.svg").string();
  render_plot(curves, {}, svg);
  const std::string text = slurp(svg);
  CHECK(text.rfind("<?xml", 0) == 0);
  CHECK(text.find("</svg>") != std::string::npos);
  CHECK(text.find("<title>top 40%</title>") != std::string::npos);
  CHECK(text.find(">101M<") != std::string::npos);  // crossover labels
  CHECK(text.find(">1.1B<") != std::string::npos);
  PlotOptions png;
  png.format = ImageFormat::png;
  render_plot(utility_plot(c), png, (dir.path / "utility.png").string());
  CHECK(slurp((dir.path / "utility.png").string()).rfind("\x89PNG", 0) == 0);
  PlotOptions pdf;
  pdf.format = ImageFormat::pdf;
  render_plot(curves, pdf, (dir.path / "curves.pdf").string());
  CHECK(slurp((dir.path / "curves.pdf").string()).rfind("%PDF", 0) == 0);
  // Only the three images: no temporary files left behind.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == 3);
  CHECK_THROWS_AS(render_plot(curves, {}, (dir.path / "missing" / "x.svg").string()), InputError);
}

TEST_CASE("fit plot: one curve per run group through its runs, in one colour", "[plot]") {
  const Config c = default_config();
  const Observations runs = parse_observations(
      "pool,samples_seen,error\ntop 0-10%,25.6M,0.8\ntop 0-10%,51.2M,0.75\ntop 0-10%+top 10-20%,51.2M,0.74\n", "runs.csv", c.model);
  const PlotSpec spec = fit_plot(c, runs);
  REQUIRE(spec.series.size() == 4);  // two groups: a curve and its points each
  CHECK(spec.series[0].title == "top 0-10%");
  CHECK(spec.series[1].style == PlotSeries::Style::points);
  CHECK(spec.series[1].color == spec.series[0].color);
  CHECK(spec.series[1].y == std::vector<double>{0.8, 0.75});
  // The curve spans half the smallest to twice the largest budget and is the law itself.
  CHECK(spec.series[0].x.front() == Approx(12.8e6));
  CHECK(spec.series[0].x.back() == Approx(102.4e6));
  CHECK(spec.series[2].y[7] == predict_error(c.model, {{1, 1, 0, 0}, {}}, spec.series[2].x[7]));
  // On a curves plot, runs on exactly the top-1 pools take top-1's colour.
  const auto strategies = topk_strategies(c.model);
  PlotSpec curves = curves_plot(c, strategies, {});
  add_observations(curves, c, strategies, runs);
  REQUIRE(curves.series.size() == strategies.size() + 1 + 2);
  CHECK(curves.series[5].style == PlotSeries::Style::points);
  CHECK(curves.series[5].y == std::vector<double>{0.8, 0.75});
  CHECK(curves.series[5].color == curves.series[0].color);
  CHECK(curves.series[6].y == std::vector<double>{0.74});
  CHECK(curves.subtitle == "points: 3 runs of runs.csv, on the curve of their colour");
  CHECK(curves.series[6].color == curves.series[1].color);
}

TEST_CASE("curves with search families: a curve per family, the envelope is the best of all", "[plot][search]") {
  const Config c = default_config();
  PlotOptions o;
  o.budgets_samples = {32e6, 128e6, 640e6};
  o.families = {Family::threshold, Family::mixture};
  const auto strategies = topk_strategies(c.model);
  const PlotSpec spec = curves_plot(c, strategies, o);
  REQUIRE(spec.series.size() == strategies.size() + 2 + 1);
  CHECK(spec.series[4].title == "best threshold");
  CHECK(spec.series[5].title == "best mixture");
  const PlotSeries& envelope = spec.series.back();
  for (std::size_t j = 0; j < 3; ++j) {
    double lowest = INFINITY;
    for (std::size_t i = 0; i + 1 < spec.series.size(); ++i) lowest = std::min(lowest, spec.series[i].y[j]);
    CHECK(envelope.y[j] == lowest);
    // The mixture is seeded with the top-k and threshold bests: never worse than either.
    CHECK(spec.series[5].y[j] <= spec.series[4].y[j]);
    for (std::size_t i = 0; i < strategies.size(); ++i) CHECK(spec.series[4].y[j] <= spec.series[i].y[j]);
  }
}

namespace {

// Three pools of one source, as in scripts/validate-laion.sh (LAION-80M/400M/2B).
Config laion_config() {
  return load_config_text(R"(law: utility
a: 0.02
d: 0.05
normalizer: 1e5
metric: ImageNet zero-shot top-1 error
pools:
  - {name: LAION-80M, size: 80M, b: -0.1, tau: 4}
  - {name: LAION-400M, size: 400M, b: -0.1, tau: 20}
  - {name: LAION-2B, size: 2.32B, b: -0.1, tau: 116}
)",
                          "laion.yaml");
}

const PlotSeries* line_of_color(const PlotSpec& spec, int color) {
  for (const auto& s : spec.series) {
    if (s.style == PlotSeries::Style::line && s.color == color) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("curves with runs: every run group sits on the curve of its own strategy, in its colour", "[plot]") {
  const Config c = laion_config();
  const auto strategies = topk_strategies(c.model);  // LAION-80M; 80M+400M; all three
  const Observations runs = parse_observations(
      "pool,samples_seen,accuracy\nLAION-80M,3B,0.5\nLAION-400M,3B,0.57\nLAION-400M,13B,0.67\nLAION-2B,13B,0.62\n", "runs.csv", c.model);
  PlotOptions o;
  o.budgets_samples = {1e9, 3e9, 13e9, 34e9};
  PlotSpec spec = curves_plot(c, strategies, o);
  add_observations(spec, c, strategies, runs, o);
  std::size_t point_series = 0;
  for (const auto& s : spec.series) {
    if (s.style != PlotSeries::Style::points) continue;
    ++point_series;
    // The runs of this series (same budgets and errors) and the curve of the same colour, which
    // must be the law for those runs' pools at every plotted budget.
    const auto row = std::find_if(runs.rows.begin(), runs.rows.end(),
                                  [&](const Observation& r) { return r.samples_seen == s.x.front() && r.error == s.y.front(); });
    REQUIRE(row != runs.rows.end());
    const PlotSeries* curve = line_of_color(spec, s.color);
    REQUIRE(curve != nullptr);
    for (std::size_t j = 0; j < curve->x.size(); ++j) CHECK(curve->y[j] == predict_error(c.model, strategy_of(*row, c.model), curve->x[j]));
  }
  CHECK(point_series == 3);
  // LAION-400M and LAION-2B alone are no top-k level: each gets its own dashed curve.
  CHECK(std::count_if(spec.series.begin(), spec.series.end(), [](const PlotSeries& s) { return s.dashed; }) == 2);
  CHECK(spec.subtitle == "points: 4 runs of runs.csv, on the curve of their colour (dashed: pools of no level)");
  // Every colour is used by one curve only.
  std::vector<int> colors;
  for (const auto& s : spec.series) {
    if (s.style == PlotSeries::Style::line) colors.push_back(s.color);
  }
  std::sort(colors.begin(), colors.end());
  CHECK(std::adjacent_find(colors.begin(), colors.end()) == colors.end());
}

TEST_CASE("colours: a colour-blind-safe palette with contrast on white; the envelope behind the curves", "[plot][search]") {
  const Config c = default_config();
  PlotOptions o;
  o.budgets_samples = {32e6, 128e6, 640e6};
  o.families = {Family::threshold, Family::mixture};
  const std::string script = gnuplot_script(curves_plot(c, topk_strategies(c.model), o), o, "x.svg");
  const auto items = plot_items(script);
  REQUIRE(items.size() == 7);
  // The envelope is drawn first (behind the curves), thin enough or light enough not to hide them:
  // a light grey.
  CHECK(items[0].find("'best of all'") != std::string::npos);
  std::size_t curves = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    const auto at = items[i].find("lc rgb \"#");
    REQUIRE(at != std::string::npos);  // explicit colours, no gnuplot default palette index
    const std::string hex = items[i].substr(at + 8, 7);
    // WCAG 2.1 SC 1.4.11: graphical objects need 3:1 against their background.
    CHECK(contrast_on_white(hex) >= 3.0);
    ++curves;
  }
  CHECK(curves == 6);
  const auto envelope_color = items[0].substr(items[0].find("lc rgb \"#") + 8, 7);
  CHECK(contrast_on_white(envelope_color) < 2.0);  // a light band, not a line that hides curves
  for (const char* color : kPalette) CHECK(contrast_on_white(color) >= 3.0);
  CHECK(std::string(kPalette[0]) != std::string(kPalette[1]));
}

TEST_CASE("axes: the view is clipped to the law's range; accuracy on request; the metric names the axis", "[plot]") {
  const Config c = default_config();
  const auto strategies = topk_strategies(c.model);
  PlotOptions o;
  o.budgets_samples = {1e6, 1e7, 1e8};  // at 1M samples the law's error exceeds 1 for the top 10%
  const PlotSpec spec = curves_plot(c, strategies, o);
  REQUIRE(spec.series[0].y[0] > 1.0);
  const std::string s = gnuplot_script(spec, o, "x.svg");
  const auto at = s.find("set yrange [");
  REQUIRE(at != std::string::npos);
  double lo = 0, hi = 0;
  REQUIRE(std::sscanf(s.c_str() + at, "set yrange [%lf:%lf]", &lo, &hi) == 2);
  CHECK(hi <= 1.0);
  CHECK(lo >= 0.0);
  CHECK(lo < hi);

  o.y = YMeasure::accuracy;
  const PlotSpec acc = curves_plot(c, strategies, o);
  CHECK(acc.y_label == "ImageNet zero-shot accuracy");
  CHECK(acc.title.find("accuracy") != std::string::npos);
  for (std::size_t j = 0; j < acc.series[1].x.size(); ++j) CHECK(acc.series[1].y[j] == 1.0 - spec.series[1].y[j]);
  // The envelope is the best: the highest accuracy.
  CHECK(acc.series.back().y[2] == std::max({acc.series[0].y[2], acc.series[1].y[2], acc.series[2].y[2], acc.series[3].y[2]}));
  CHECK(y_axis(c.model, YMeasure::error).label == "ImageNet zero-shot error");
  Model other = c.model;
  other.metric.name = "top-1 loss rate";
  CHECK(y_axis(other, YMeasure::accuracy).label == "accuracy (1 - top-1 loss rate)");
  CHECK(y_axis(other, YMeasure::error).max == 1.0);
  // A loss (metric.hpp): no accuracy, no upper bound on the axis.
  Model loss = c.model;
  loss.metric = {"C4 validation loss", MetricKind::loss};
  CHECK(std::isnan(y_axis(loss, YMeasure::error).max));
  CHECK(y_axis(loss, YMeasure::error).label == "C4 validation loss");
  CHECK_THROWS_WITH(y_axis(loss, YMeasure::accuracy),
                    "--y accuracy: the metric 'C4 validation loss' is a loss; accuracy (1 - y) is shown for error rates only");
  CHECK(parse_y_measure("accuracy", "--y") == YMeasure::accuracy);
  CHECK_THROWS_WITH(parse_y_measure("acc", "--y"), "--y: 'acc' is not a y measure; use error or accuracy");
}

TEST_CASE("sizes: column and page presets keep the type at 7 pt or more where the figure is placed", "[plot]") {
  const PlotSize column = parse_plot_size("column", "--size");
  CHECK(column.width_in == 3.3);
  CHECK(column.height_in == 3.0);
  const PlotSize page = parse_plot_size("page", "--size");
  CHECK(page.width_in == 6.9);
  const PlotSize custom = parse_plot_size("4x3.5", "--size");
  CHECK(custom.width_in == 4.0);
  CHECK(custom.height_in == 3.5);
  CHECK_THROWS_WITH(parse_plot_size("wide", "--size"), Catch::Contains("use column, page or WIDTHxHEIGHT in inches"));
  CHECK_THROWS_WITH(parse_plot_size("4x", "--size"), Catch::Contains("'4x' is not a size"));
  for (const PlotSize& size : {column, page, custom}) CHECK(size.font_pt >= 7.0);

  const Config c = default_config();
  const PlotSpec spec = utility_plot(c);
  PlotOptions o;
  o.format = ImageFormat::pdf;
  o.size = column;
  // gnuplot 5.4's pdfcairo draws type at size x fontscale x 4/3: fontscale 0.75 gives exact points.
  std::string s = gnuplot_script(spec, o, "x.pdf");
  CHECK(s.find("set terminal pdfcairo size 3.3in,3in font \"Helvetica,8\" fontscale 0.75") != std::string::npos);
  // A PDF without a size is the page preset, no longer 9 x 5.6 in with 6 pt type.
  o.size.reset();
  s = gnuplot_script(spec, o, "x.pdf");
  CHECK(s.find("set terminal pdfcairo size 6.9in,4.3in font \"Helvetica,9\" fontscale 0.75") != std::string::npos);
  // PNG at 200 px per inch: 8 pt = 8 x 200/72 px, which pngcairo draws from a request of px x 3/4.
  o.format = ImageFormat::png;
  o.size = column;
  s = gnuplot_script(spec, o, "x.png");
  CHECK(s.find("set terminal pngcairo size 660,600 font \"Helvetica,16.7\"") != std::string::npos);
  o.format = ImageFormat::svg;
  s = gnuplot_script(spec, o, "x.svg");
  CHECK(s.find("set terminal svg size 317,288 dynamic font \"Helvetica,10.7\"") != std::string::npos);
  o.width_px = 800;
  CHECK_THROWS_WITH(validate(o), "give --size or --width/--height, not both");
  o.width_px.reset();
  o.size = PlotSize{0.5, 2, 8};
  CHECK_THROWS_WITH(validate(o), "--size: the width must be in [1, 40] inches, got 0.5");
}

TEST_CASE("fit plot: the title says what is plotted and how the config was fitted", "[plot]") {
  Config c = default_config();
  const Observations held = parse_observations("pool,samples_seen,error\ntop 0-10%,128M,0.7\ntop 0-10%,256M,0.68\ntop 10-20%,128M,0.74\n",
                                               "data/holdout.csv", c.model);
  const Observations train =
      parse_observations("pool,samples_seen,error\ntop 0-10%,25.6M,0.8\ntop 0-10%,51.2M,0.75\n", "train.csv", c.model);
  // The built-in config was never fitted by qqt.
  PlotSpec spec = fit_plot(c, held);
  CHECK(spec.subtitle.find("filled: 3 runs of holdout.csv") != std::string::npos);
  CHECK(spec.subtitle.find("config: no fit: block") != std::string::npos);
  CHECK(spec.title.find("fitted to 3") == std::string::npos);
  // A config fitted to 6 runs, shown with other runs: both counts, each with its file.
  c.fit = FitRecord{};
  c.fit->rows = 6;
  c.fit->observations = "/tmp/x/train.csv";
  spec = fit_plot(c, held);
  CHECK(spec.subtitle.find("filled: 3 runs of holdout.csv") != std::string::npos);
  CHECK(spec.subtitle.find("config: fitted to 6 runs of train.csv") != std::string::npos);
  // The subtitle reaches the script as literal single-quoted lines under the title.
  const std::string s = gnuplot_script(spec, {}, "x.svg");
  CHECK(s.find(".\"\\n\".'config: fitted to 6 runs of train.csv'") != std::string::npos);

  // Held-out runs as open symbols in their group's colour; the training runs filled.
  spec = fit_plot(c, train, &held);
  CHECK(spec.subtitle.find("filled: 2 runs of train.csv; open: 3 runs held out, of holdout.csv") != std::string::npos);
  std::vector<const PlotSeries*> open, filled;
  for (const auto& s2 : spec.series) {
    if (s2.style == PlotSeries::Style::open_points) open.push_back(&s2);
    if (s2.style == PlotSeries::Style::points) filled.push_back(&s2);
  }
  REQUIRE(open.size() == 2);  // two groups in the held-out file
  REQUIRE(filled.size() == 1);
  CHECK(open[0]->y == std::vector<double>{0.7, 0.68});
  CHECK(open[0]->color == filled[0]->color);
  CHECK(open[1]->y == std::vector<double>{0.74});
  CHECK(line_of_color(spec, open[1]->color)->title == "top 10-20%");
  // The curve spans both files: half of 25.6M to twice 256M.
  CHECK(spec.series[0].x.front() == Approx(12.8e6));
  CHECK(spec.series[0].x.back() == Approx(512e6));
  const std::string script = gnuplot_script(spec, {}, "x.svg");
  CHECK(count(script, "with points pt 6 ") == 2);  // open circles
  CHECK(count(script, "with points pt 7 ") == 1);  // filled circles
}

TEST_CASE("fit plot: a bootstrapped config draws each curve's central band of the sets' predictions", "[plot]") {
  Config c = default_config();
  c.fit = FitRecord{};
  c.fit->rows = 2;
  BootstrapRecord boot;
  boot.level = 0.9;
  for (const double scale : {0.9, 1.0, 1.2}) {
    ParameterSet set{c.model.params.a * scale, c.model.params.d, {}, {}};
    for (const auto& p : c.model.pools) {
      set.b.push_back(p.b);
      set.tau.push_back(p.tau_passes);
    }
    boot.sets.push_back(set);
  }
  c.fit->bootstrap = boot;
  const Observations train =
      parse_observations("pool,samples_seen,error\ntop 0-10%,25.6M,0.8\ntop 0-10%,51.2M,0.75\n", "train.csv", c.model);
  const PlotSpec spec = fit_plot(c, train);
  REQUIRE(spec.series.size() == 3);  // band, curve, points
  const PlotSeries& band = spec.series[0];
  CHECK(band.style == PlotSeries::Style::band);
  CHECK(band.color == spec.series[1].color);
  CHECK(spec.subtitle.find("bands: 90% of 3 bootstrap fits") != std::string::npos);
  // By hand at one budget: the three sets' errors e0 < e1 < e2 (a larger a lowers the error);
  // type-7 quantiles of 3 values at 0.05 and 0.95: e_lo = e(h = 0.1), e_hi = e(h = 1.9).
  const std::size_t j = 50;
  std::vector<double> e;
  for (const auto& set : boot.sets) e.push_back(predict_error(with_parameters(c.model, set), {{1, 0, 0, 0}, {}}, band.x[j]));
  std::sort(e.begin(), e.end());
  CHECK(band.y[j] == Approx(e[0] + 0.1 * (e[1] - e[0])).epsilon(1e-12));
  CHECK(band.y_hi[j] == Approx(e[1] + 0.9 * (e[2] - e[1])).epsilon(1e-12));
  CHECK(band.y[j] <= spec.series[1].y[j]);
  CHECK(spec.series[1].y[j] <= band.y_hi[j]);
  const std::string script = gnuplot_script(spec, {}, "x.svg");
  CHECK(script.find("using 1:2:3 with filledcurves") != std::string::npos);
}
