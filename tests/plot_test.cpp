// plot.cpp <-> plot_test.cpp: plot data is the law's, scripts are complete, gnuplot draws them.
#include "qqt/plot.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "qqt/config.hpp"
#include "qqt/error.hpp"

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
  CHECK(spec.series[3].title == "top 30-40% (b = -0.085, tau = 2.2727)");
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
  CHECK(count(text, "<g id=\"gnuplot_plot_") == 5);  // one group per curve and the envelope
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
  CHECK(curves.series[5].title == "measured: top 10%");
  CHECK(curves.series[5].color == 1);
  CHECK(curves.series[6].title == "measured: top 20%");
  CHECK(curves.series[6].color == 2);
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
