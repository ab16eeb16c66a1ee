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

#include "qqt/error.hpp"
#include "qqt/io.hpp"
#include "qqt/output.hpp"
#include "qqt/quantity.hpp"

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

void validate(const PlotOptions& o) {
  if (o.width_px < 300 || o.width_px > 4000) throw InputError(fmt::format("--width must be in [300, 4000] pixels, got {}", o.width_px));
  if (o.height_px < 200 || o.height_px > 4000) throw InputError(fmt::format("--height must be in [200, 4000] pixels, got {}", o.height_px));
  if (o.threads < 1 || o.threads > 256) throw InputError(fmt::format("--threads must be in [1, 256], got {}", o.threads));
  if (!o.budgets_samples.empty()) {
    if (o.budgets_samples.size() < 2) throw InputError("plot: budgets need at least 2 points (use --budgets FROM:TO:N with N >= 2)");
    for (std::size_t i = 1; i < o.budgets_samples.size(); ++i) {
      if (!(o.budgets_samples[i] > o.budgets_samples[i - 1])) throw InputError("plot: budgets must be strictly ascending");
    }
  }
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
  PlanOptions plan_options;
  plan_options.budgets_samples = options.budgets_samples.empty() ? default_budgets(config.model) : options.budgets_samples;
  const PlanResult r = plan(config.model, strategies, plan_options);
  PlotSpec spec;
  spec.title = fmt::format("Predicted {} by filter level ({} law)", config.model.metric.name, to_string(config.model.params.law));
  spec.x_label = "samples seen";
  spec.y_label = config.model.metric.name;
  spec.log_x = true;
  spec.budget_x = true;
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    PlotSeries s;
    s.title = strategies[i].label;
    for (const auto& b : r.budgets) {
      s.x.push_back(b.budget_samples);
      s.y.push_back(b.candidates[i].error);
    }
    spec.series.push_back(std::move(s));
  }
  PlotSeries envelope;
  envelope.title = "best (lower envelope)";
  envelope.style = PlotSeries::Style::envelope;
  for (const auto& b : r.budgets) {
    envelope.x.push_back(b.budget_samples);
    envelope.y.push_back(b.best_candidate().error);
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
      for (std::size_t j = 0; j < found.budgets.size(); ++j) {
        const auto& family = found.budgets[j].families;
        const auto it = std::find_if(family.begin(), family.end(), [&](const FamilyBest& fb) { return fb.family == extra[f]; });
        if (it == family.end() || !it->best) continue;
        s.x.push_back(found.budgets[j].budget_samples);
        s.y.push_back(it->best->error);
        envelope.y[j] = std::min(envelope.y[j], it->best->error);
      }
      spec.series.push_back(std::move(s));
    }
  }
  spec.series.push_back(std::move(envelope));
  for (const auto& x : r.crossovers) spec.marks.push_back({x.budget_samples, format_count(x.budget_samples, 3)});
  return spec;
}

namespace {

// The runs of each distinct `pool` field, in order of first appearance.
std::vector<std::pair<std::string, std::vector<const Observation*>>> groups_of(const Observations& observations) {
  std::vector<std::pair<std::string, std::vector<const Observation*>>> groups;
  for (const auto& row : observations.rows) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == row.pool; });
    if (it == groups.end()) {
      groups.push_back({row.pool, {}});
      it = groups.end() - 1;
    }
    it->second.push_back(&row);
  }
  return groups;
}

PlotSeries points_of(const std::string& title, const std::vector<const Observation*>& rows, int color) {
  PlotSeries s;
  s.title = title;
  s.style = PlotSeries::Style::points;
  s.color = color;
  for (const Observation* r : rows) {
    s.x.push_back(r->samples_seen);
    s.y.push_back(r->error);
  }
  return s;
}

}  // namespace

void add_observations(PlotSpec& curves, const Config& config, const std::vector<NamedStrategy>& strategies,
                      const Observations& observations) {
  int next_color = static_cast<int>(strategies.size()) + 2;  // after the curves and the envelope
  for (const auto& [name, rows] : groups_of(observations)) {
    const Strategy run = strategy_of(*rows.front(), config.model);
    int color = 0;
    std::string title = "measured: " + name;
    for (std::size_t i = 0; i < strategies.size(); ++i) {
      const Strategy& s = strategies[i].strategy;
      if (s.fractions == run.fractions && s.weights.empty()) {
        color = static_cast<int>(i) + 1;
        title = "measured: " + strategies[i].label;
      }
    }
    curves.series.push_back(points_of(title, rows, color ? color : next_color++));
  }
}

PlotSpec fit_plot(const Config& config, const Observations& observations) {
  PlotSpec spec;
  spec.title = fmt::format("{} law (lines) fitted to {} runs (points)", to_string(config.model.params.law), observations.rows.size());
  spec.x_label = "samples seen";
  spec.y_label = config.model.metric.name;
  spec.log_x = true;
  spec.budget_x = true;
  double lo = INFINITY, hi = 0;
  for (const auto& r : observations.rows) {
    lo = std::min(lo, r.samples_seen);
    hi = std::max(hi, r.samples_seen);
  }
  lo /= 2;
  hi *= 2;
  constexpr int kPoints = 200;
  int color = 1;
  for (const auto& [name, rows] : groups_of(observations)) {
    const Mixture mix(config.model, strategy_of(*rows.front(), config.model));
    PlotSeries curve;
    curve.title = name;
    curve.color = color;
    for (int i = 0; i < kPoints; ++i) {
      const double n = std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (kPoints - 1));
      curve.x.push_back(n);
      curve.y.push_back(mix.error(n));
    }
    spec.series.push_back(std::move(curve));
    spec.series.push_back(points_of("", rows, color));  // the runs, in the colour of their curve
    ++color;
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
  for (const auto& p : config.model.pools) {
    PlotSeries s;
    s.title = fmt::format("{} (b = {:g}, tau = {:g})", p.name, p.b, p.tau_passes);
    for (int k = 0; k <= k_max; ++k) {
      s.x.push_back(k);
      s.y.push_back(-p.b * std::pow(0.5, k / p.tau_passes));
    }
    spec.series.push_back(std::move(s));
  }
  return spec;
}

std::string gnuplot_script(const PlotSpec& spec, const PlotOptions& options, const std::string& output_path) {
  std::string s = "# Drawn by qqt; restyle freely and run with: gnuplot THIS_FILE\n";
  switch (options.format) {
    case ImageFormat::svg:
      s += fmt::format("set terminal svg size {},{} dynamic font \"Helvetica,13\" background rgb \"white\"\n", options.width_px, options.height_px);
      break;
    case ImageFormat::png:
      s += fmt::format("set terminal pngcairo size {},{} font \"Helvetica,11\" background rgb \"white\"\n", options.width_px, options.height_px);
      break;
    case ImageFormat::pdf:
      s += fmt::format("set terminal pdfcairo size {}in,{}in font \"Helvetica,9\"\n", options.width_px / 100.0, options.height_px / 100.0);
      break;
  }
  s += fmt::format("set output {}\n", gp_path(output_path));
  s += fmt::format("set title {} noenhanced\nset xlabel {} noenhanced\nset ylabel {} noenhanced\n", gp_string(spec.title),
                   gp_string(spec.x_label), gp_string(spec.y_label));
  s += "set border 3\nset tics nomirror\nset grid xtics ytics lc rgb \"#e0e0e0\" lw 1\n";
  // The legend sits below the axes, outside the data, one or two rows at 600+ px wide.
  // gnuplot does not leave room for the x label under a bottom key, so the margin is set here.
  // Columns that fit: about 8.5 px per character of the longest title, plus the line sample.
  std::size_t longest = 1;
  for (const auto& series : spec.series) longest = std::max(longest, series.title.size());
  const auto fit_columns = static_cast<std::size_t>(options.width_px) * 2 / (17 * longest + 160);
  const std::size_t key_columns = std::clamp<std::size_t>(fit_columns, 1, std::min<std::size_t>(3, std::max<std::size_t>(1, spec.series.size())));
  const std::size_t key_rows = (spec.series.size() + key_columns - 1) / key_columns;
  s += fmt::format("set key at screen 0.5, screen 0.02 center bottom horizontal maxcols {} Left reverse noenhanced spacing 1.1 samplen 2.5 width 1\n",
                   key_columns);
  s += fmt::format("set bmargin {}\n", 4 + static_cast<int>(std::lround(1.25 * static_cast<double>(key_rows))));
  if (spec.log_x) s += "set logscale x\n";
  double x_lo = INFINITY, x_hi = -INFINITY;
  for (const auto& series : spec.series) {
    for (double x : series.x) {
      x_lo = std::min(x_lo, x);
      x_hi = std::max(x_hi, x);
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
  for (std::size_t i = 0; i < spec.marks.size(); ++i) {
    const PlotMark& m = spec.marks[i];
    s += fmt::format("set arrow {} from {}, graph 0 to {}, graph 1 nohead dashtype 2 lw 1.5 lc rgb \"#777777\" back\n", i + 1,
                     exact_number(m.x), exact_number(m.x));
    s += fmt::format("set label {} {} at {}, graph 1 center offset 0,0.6 font \",10\" textcolor rgb \"#555555\" noenhanced\n", i + 1,
                     gp_string(m.label), exact_number(m.x));
  }
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    s += fmt::format("$d{} << EOD\n", i);
    const auto& series = spec.series[i];
    for (std::size_t j = 0; j < series.x.size(); ++j) s += fmt::format("{} {}\n", exact_number(series.x[j]), exact_number(series.y[j]));
    s += "EOD\n";
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const auto& series = spec.series[i];
    std::string style;
    const int color = series.color > 0 ? series.color : static_cast<int>(i) + 1;
    switch (series.style) {
      case PlotSeries::Style::line: style = fmt::format("with {} lw 2.5 lc {}", spec.log_x ? "lines" : "linespoints pt 7 ps 0.6", color); break;
      case PlotSeries::Style::envelope: style = "with lines lw 7 lc rgb \"#70000000\""; break;
      case PlotSeries::Style::points: style = fmt::format("with points pt 7 ps 1.1 lc {}", color); break;
    }
    items.push_back(fmt::format("$d{} using 1:2 {} {}", i, style, series.title.empty() ? "notitle" : "title " + gp_string(series.title)));
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
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
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
