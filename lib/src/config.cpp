#include "qqt/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "qqt/error.hpp"
#include "qqt/io.hpp"
#include "qqt/limits.hpp"
#include "qqt/quantity.hpp"
#include "qqt/text.hpp"

namespace qqt {
namespace detail {
extern const std::vector<std::pair<std::string_view, std::string_view>> kBuiltinConfigs;  // default_config.cpp.in
}  // namespace detail

std::string_view default_config_name() { return detail::kBuiltinConfigs.front().first; }
std::string_view default_config_text() { return detail::kBuiltinConfigs.front().second; }

Config default_config() { return load_config_text(default_config_text(), fmt::format("built-in:{}", default_config_name())); }

std::vector<BuiltinConfig> builtin_configs() {
  std::vector<BuiltinConfig> out;
  for (const auto& [file_name, text] : detail::kBuiltinConfigs) {
    BuiltinConfig c;
    c.file_name = file_name;
    c.name = std::string(file_name.substr(0, file_name.rfind(".yaml")));
    c.text = text;
    const std::string_view first = text.substr(0, text.find('\n'));
    if (first.substr(0, 2) == "# ") c.description = std::string(first.substr(2));
    c.is_default = out.empty();
    out.push_back(std::move(c));
  }
  return out;
}

Config builtin_config(std::string_view name, const ConfigOptions& options) {
  std::vector<std::string> names;
  for (const BuiltinConfig& c : builtin_configs()) {
    if (name == c.name || name == c.file_name) return load_config_text(c.text, fmt::format("built-in:{}", c.file_name), options);
    names.push_back(c.name);
  }
  const std::string hint = closest_match(name, names);
  throw InputError(
      fmt::format("--config {}{}: no such built-in config ({}; `qqt configs` lists them)", kBuiltinPrefix, name,
                  hint.empty() ? fmt::format("built-in: {}", fmt::join(names, ", ")) : fmt::format("did you mean '{}'?", hint)));
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Refuses YAML nested deeper than limits::kMaxYamlDepth, at the line and column where it gets too
// deep, before yaml-cpp recurses into it (its own guard says only "bad file", at the end of the
// file). Counts block levels (indentation, "- " items) and flow levels ([ and { outside quotes and
// comments); the lines of a block scalar (| or >) are text, not structure. It may overcount
// (never undercount) exotic layouts, which is fine for a limit far above any real config.
void check_yaml_depth(std::string_view text, const std::string& source) {
  std::vector<std::size_t> indents;  // block levels open at this point
  int flow = 0;
  char quote = 0;
  std::size_t scalar_indent = std::string_view::npos;  // inside a block scalar more indented than this
  std::size_t line_no = 0;
  for (std::size_t start = 0; start <= text.size(); ++line_no) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const bool blank = indent == line.size() || line[indent] == '#' || line[indent] == '\r';
    if (scalar_indent != std::string_view::npos) {
      if (blank || indent > scalar_indent) continue;
      scalar_indent = std::string_view::npos;
    }
    if (blank && quote == 0) continue;
    std::size_t depth_here = 0;
    std::size_t col = indent;
    if (flow == 0 && quote == 0) {
      while (!indents.empty() && indents.back() >= indent) indents.pop_back();
      indents.push_back(indent);
      while (col + 1 < line.size() && line[col] == '-' && line[col + 1] == ' ') {  // "- - x": one level per dash
        indents.push_back(col + 1);
        col = line.find_first_not_of(' ', col + 1);
        if (col == std::string_view::npos) col = line.size();
      }
    }
    depth_here = indents.size();
    for (std::size_t i = col; i < line.size(); ++i) {
      const char c = line[i];
      if (quote) {
        if (c == '\\' && quote == '"')
          ++i;
        else if (c == quote)
          quote = 0;
        continue;
      }
      if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) break;
      if (c == '"' || c == '\'') {
        if (i == 0 || std::string_view(" \t[{,:").find(line[i - 1]) != std::string_view::npos) quote = c;
      } else if (c == '[' || c == '{') {
        ++flow;
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      } else if ((c == '|' || c == '>') && flow == 0 && line.find_first_not_of(" +-0123456789", i + 1) >= line.size()) {
        scalar_indent = indent;  // a block scalar starts: its lines are text
        break;
      }
      if (depth_here + static_cast<std::size_t>(flow) > static_cast<std::size_t>(limits::kMaxYamlDepth)) {
        throw InputError(fmt::format("{}:{}:{}: nesting deeper than {} levels, qqt's limit (docs/reliability.md \"Limits\")", source,
                                     line_no + 1, i + 1, limits::kMaxYamlDepth));
      }
    }
    if (depth_here > static_cast<std::size_t>(limits::kMaxYamlDepth)) {
      throw InputError(fmt::format("{}:{}:{}: nesting deeper than {} levels, qqt's limit (docs/reliability.md \"Limits\")", source,
                                   line_no + 1, col + 1, limits::kMaxYamlDepth));
    }
  }
}

// Reads one YAML document strictly. Every error names source:line:col, the key path and the rule.
class Reader {
 public:
  Reader(std::string source, const ConfigOptions& options) : source_(std::move(source)), options_(options) {}

  Config read(std::string_view text) {
    check_yaml_depth(text, source_);
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      throw InputError(fmt::format("{}:{}:{}: YAML syntax error: {}", source_, e.mark.line + 1, e.mark.column + 1, e.msg));
    }
    if (!root || root.IsNull()) {
      throw InputError(fmt::format("{}: the config is empty; expected a map with keys a, d and pools (docs/config.md)", source_));
    }
    if (!root.IsMap()) fail(root, "the config", "must be a map of keys (law, a, d, pools, ...)");
    static const std::vector<std::string> kKeys = {"law", "irreducible", "tau_scaling",  "normalizer", "a",
                                                   "d",   "metric",      "model_params", "pools",      "fit"};
    check_keys(root, "", kKeys);

    Config config;
    config.source = source_;
    Model& m = config.model;
    LawParams& p = m.params;
    if (const auto n = root["law"]) {
      const std::string law = choice(n, "law", {"utility", "effective-data", "power"});
      p.law = law == "utility" ? LawKind::utility : law == "power" ? LawKind::power : LawKind::effective_data;
    }
    if (const auto n = root["irreducible"]) {
      p.irreducible = choice(n, "irreducible", {"outside", "inside"}) == "inside" ? Irreducible::inside : Irreducible::outside;
      config.irreducible_given = true;
    }
    if (const auto n = root["tau_scaling"]) p.tau_scaling = number(n, "tau_scaling", Rule::non_negative);
    if (const auto n = root["normalizer"]) p.normalizer = number(n, "normalizer", Rule::positive);
    p.a = optional_number(root, "a", "a", Rule::positive);
    p.d = optional_number(root, "d", "d", Rule::non_negative);
    if (const auto n = root["metric"]) m.metric = metric(n);
    if (const auto n = root["model_params"]) config.model_params = count(n, "model_params");

    const YAML::Node pools = root["pools"];
    if (!pools) fail_at(root, "pools", "is missing; list the quality buckets, best first (docs/config.md)");
    if (!pools.IsSequence()) fail(pools, "pools", "must be a list of pools");
    if (pools.size() == 0) fail(pools, "pools", "must list at least one pool");
    if (pools.size() > limits::kMaxPools) {
      fail(pools, "pools",
           fmt::format("lists {} pools, past qqt's limit of {} (docs/reliability.md \"Limits\")", pools.size(), limits::kMaxPools));
    }
    std::map<std::string, std::size_t> seen;
    double share_sum = 0.0;
    constexpr double kShareSlack = 1e-9;  // rounding of decimal shares such as 0.1 x 10
    static const std::vector<std::string> kPoolKeys = {"name", "size", "b", "tau", "share"};
    for (std::size_t i = 0; i < pools.size(); ++i) {
      const YAML::Node node = pools[i];
      const std::string path = fmt::format("pools[{}]", i);
      if (!node.IsMap()) fail(node, path, "must be a map with keys name, size, b, tau (and optional share)");
      check_keys(node, path + ".", kPoolKeys);
      Pool pool;
      if (!node["name"]) fail_at(node, path + ".name", "is missing");
      pool.name = string(node["name"], path + ".name");
      if (pool.name.empty()) fail(node["name"], path + ".name", "must not be empty");
      if (const auto [it, inserted] = seen.emplace(pool.name, i); !inserted) {
        fail(node["name"], path + ".name", fmt::format("'{}' repeats the name of pools[{}]", pool.name, it->second));
      }
      if (!node["size"]) fail_at(node, path + ".size", "is missing");
      pool.size_samples = count(node["size"], path + ".size");
      pool.b = optional_number(node, "b", path + ".b", Rule::negative);
      pool.tau_passes = optional_number(node, "tau", path + ".tau", Rule::positive);
      if (const auto n = node["share"]) {
        pool.share = number(n, path + ".share", Rule::unit_interval);
        // The pools are disjoint buckets of one raw pool, so their fractions of it add up to at most 1.
        share_sum += *pool.share;
        if (share_sum > 1.0 + kShareSlack) {
          std::vector<std::string> parts;
          for (const Pool& earlier : m.pools) {
            if (earlier.share) parts.push_back(fmt::format("'{}' {}", earlier.name, *earlier.share));
          }
          parts.push_back(fmt::format("'{}' {}", pool.name, *pool.share));
          fail(n, path + ".share",
               fmt::format("makes the shares sum to {:.6g} > 1 ({}): pools are disjoint parts of one raw pool", share_sum,
                           fmt::join(parts, " + ")));
        }
      }
      m.pools.push_back(std::move(pool));
    }
    if (const auto n = root["fit"]) config.fit = read_fit(n, m.pools.size());
    return config;
  }

 private:
  enum class Rule { any, positive, non_negative, negative, unit_interval };

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& rule) const {
    const YAML::Mark mark = node.Mark();
    throw InputError(fmt::format("{}:{}:{}: {} {}", source_, mark.line + 1, mark.column + 1, path, rule));
  }
  // For a key that is absent: point at the map that should hold it.
  [[noreturn]] void fail_at(const YAML::Node& parent, const std::string& path, const std::string& rule) const { fail(parent, path, rule); }

  void check_keys(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& allowed) const {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) fail(key, prefix.empty() ? "a key" : prefix + "<key>", "must be a plain string");
      const std::string name = key.Scalar();
      if (!seen.insert(name).second) fail(key, prefix + name, "is given twice");
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        const std::string hint = closest_match(name, allowed);
        fail(key, prefix + name,
             hint.empty() ? fmt::format("is not a known key (known: {})", fmt::join(allowed, ", "))
                          : fmt::format("is not a known key (did you mean '{}'?)", hint));
      }
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& path, const char* expected) const {
    if (!node.IsScalar())
      fail(node, path, fmt::format("must be {}, got a {}", expected, node.IsMap() ? "map" : node.IsSequence() ? "list" : "null"));
    return node.Scalar();
  }

  std::string string(const YAML::Node& node, const std::string& path) const { return scalar(node, path, "a string"); }

  // `metric: LABEL` (an error rate, the original form) or `metric: {name: LABEL, kind: KIND}`.
  Metric metric(const YAML::Node& node) const {
    Metric out;
    if (node.IsScalar()) {
      out.name = node.Scalar();
    } else {
      if (!node.IsMap()) fail(node, "metric", "must be a label or a map {name: LABEL, kind: KIND}");
      static const std::vector<std::string> kKeys = {"name", "kind"};
      check_keys(node, "metric.", kKeys);
      if (const auto k = node["kind"]) out.kind = *find_metric_kind(choice(k, "metric.kind", metric_kind_names()));
      out.name = info(out.kind).default_name;
      if (const auto n = node["name"]) out.name = string(n, "metric.name");
    }
    if (out.name.empty()) fail(node, "metric", "must not be an empty label");
    return out;
  }

  std::string choice(const YAML::Node& node, const std::string& path, const std::vector<std::string>& options) const {
    const std::string value = scalar(node, path, "a string");
    if (std::find(options.begin(), options.end(), value) != options.end()) return value;
    const std::string hint = closest_match(value, options);
    fail(node, path,
         fmt::format("must be one of {}, got '{}'{}", fmt::join(options, ", "), value,
                     hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }

  double number(const YAML::Node& node, const std::string& path, Rule rule) const {
    const std::string text = scalar(node, path, "a number");
    const ParsedNumber number = parse_number(text);
    const double value = number.value;
    static const std::set<std::string> kNonFinite = {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf"};
    if (kNonFinite.count(text) || number.status == NumberStatus::not_finite) {
      fail(node, path, fmt::format("must be a finite number, got {}", text));
    }
    if (!number.ok()) fail(node, path, fmt::format("must be a number, got '{}'", text));
    switch (rule) {
      case Rule::any: break;
      case Rule::positive:
        if (!(value > 0)) fail(node, path, fmt::format("must be positive, got {}", text));
        break;
      case Rule::non_negative:
        if (!(value >= 0)) fail(node, path, fmt::format("must be zero or positive, got {}", text));
        break;
      case Rule::negative:
        if (!(value < 0)) fail(node, path, fmt::format("must be negative, got {}", text));
        break;
      case Rule::unit_interval:
        if (!(value > 0 && value <= 1)) fail(node, path, fmt::format("must be in (0, 1], got {}", text));
        break;
    }
    return value;
  }

  double optional_number(const YAML::Node& map, const char* key, const std::string& path, Rule rule) const {
    const YAML::Node node = map[key];
    if (node) return number(node, path, rule);
    if (!options_.allow_missing_parameters) fail_at(map, path, "is missing");
    return kNaN;
  }

  double count(const YAML::Node& node, const std::string& path) const {
    const std::string text = scalar(node, path, "a sample count such as 12.8M");
    try {
      return parse_count(text, path);
    } catch (const InputError& e) {
      const YAML::Mark mark = node.Mark();
      throw InputError(fmt::format("{}:{}:{}: {}", source_, mark.line + 1, mark.column + 1, e.what()));
    }
  }

  // The `fit:` block written by `qqt fit` (docs/config.md "The fit block").
  FitRecord read_fit(const YAML::Node& node, std::size_t pool_count) const {
    if (!node.IsMap()) fail(node, "fit", "must be a map (the fit block written by qqt fit)");
    static const std::vector<std::string> kFitKeys = {
        "observations", "rows",     "loss",         "fixed",    "shared",          "seed",        "objective_start",
        "objective",    "rmse",     "mae",          "max_abs",  "max_pool_passes", "evaluations", "local_runs",
        "stopped",      "at_bound", "undetermined", "warnings", "bootstrap"};
    check_keys(node, "fit.", kFitKeys);
    FitRecord f;
    if (const auto n = node["observations"]) f.observations = string(n, "fit.observations");
    if (const auto n = node["rows"]) f.rows = static_cast<std::size_t>(integer(n, "fit.rows", 1));
    if (const auto n = node["loss"]) {
      f.loss = string(n, "fit.loss");
      try {
        parse_loss(f.loss, "fit.loss");
      } catch (const InputError&) {
        fail(n, "fit.loss", fmt::format("must be squared or huber:DELTA with DELTA > 0, got '{}'", f.loss));
      }
    }
    if (const auto n = node["fixed"]) f.fixed = names(n, "fit.fixed", {"a", "d", "b", "tau"});
    if (const auto n = node["shared"]) f.shared = names(n, "fit.shared", {"b", "tau"});
    if (const auto n = node["seed"]) f.seed = integer(n, "fit.seed", 0);
    if (const auto n = node["objective_start"]) f.objective_start = number(n, "fit.objective_start", Rule::non_negative);
    if (const auto n = node["objective"]) f.objective = number(n, "fit.objective", Rule::non_negative);
    if (const auto n = node["rmse"]) f.rmse = number(n, "fit.rmse", Rule::non_negative);
    if (const auto n = node["mae"]) f.mae = number(n, "fit.mae", Rule::non_negative);
    if (const auto n = node["max_abs"]) f.max_abs = number(n, "fit.max_abs", Rule::non_negative);
    if (const auto n = node["max_pool_passes"]) f.max_pool_passes = number(n, "fit.max_pool_passes", Rule::positive);
    if (const auto n = node["evaluations"]) f.evaluations = static_cast<std::size_t>(integer(n, "fit.evaluations", 0));
    if (const auto n = node["local_runs"]) f.local_runs = static_cast<std::size_t>(integer(n, "fit.local_runs", 0));
    if (const auto n = node["stopped"]) f.stopped = string(n, "fit.stopped");
    if (const auto n = node["at_bound"]) {
      if (!n.IsSequence()) fail(n, "fit.at_bound", "must be a list of strings");
      for (std::size_t i = 0; i < n.size(); ++i) f.at_bound.push_back(string(n[i], fmt::format("fit.at_bound[{}]", i)));
    }
    for (const auto& [key, list] : {std::pair{"undetermined", &f.undetermined}, std::pair{"warnings", &f.warnings}}) {
      if (const auto n = node[key]) {
        if (!n.IsSequence()) fail(n, fmt::format("fit.{}", key), "must be a list of strings");
        for (std::size_t i = 0; i < n.size(); ++i) list->push_back(string(n[i], fmt::format("fit.{}[{}]", key, i)));
      }
    }
    if (const auto n = node["bootstrap"]) f.bootstrap = read_bootstrap(n, pool_count);
    return f;
  }

  BootstrapRecord read_bootstrap(const YAML::Node& node, std::size_t pool_count) const {
    if (!node.IsMap()) fail(node, "fit.bootstrap", "must be a map with keys fits, seed, level, intervals, sets");
    static const std::vector<std::string> kKeys = {"fits", "seed", "level", "at_bound", "intervals", "sets"};
    check_keys(node, "fit.bootstrap.", kKeys);
    BootstrapRecord b;
    if (const auto n = node["seed"]) b.seed = integer(n, "fit.bootstrap.seed", 0);
    if (const auto n = node["level"]) {
      b.level = number(n, "fit.bootstrap.level", Rule::unit_interval);
      if (b.level >= 1) fail(n, "fit.bootstrap.level", fmt::format("must be below 1, got {}", n.Scalar()));
    }
    const YAML::Node sets = node["sets"];
    if (!sets) fail_at(node, "fit.bootstrap.sets", "is missing; it lists the bootstrap parameter sets");
    if (!sets.IsSequence() || sets.size() == 0)
      fail(sets, "fit.bootstrap.sets", "must be a non-empty list of {a, d, b: [...], tau: [...]}");
    for (std::size_t i = 0; i < sets.size(); ++i) b.sets.push_back(read_set(sets[i], fmt::format("fit.bootstrap.sets[{}]", i), pool_count));
    const YAML::Node fits = node["fits"];
    if (!fits) fail_at(node, "fit.bootstrap.fits", "is missing");
    const std::uint64_t count = integer(fits, "fit.bootstrap.fits", 1);
    if (count != sets.size())
      fail(fits, "fit.bootstrap.fits", fmt::format("must equal the number of sets ({}), got {}", sets.size(), count));
    if (const auto n = node["at_bound"]) {
      b.at_bound = static_cast<std::size_t>(integer(n, "fit.bootstrap.at_bound", 0));
      if (b.at_bound > count) fail(n, "fit.bootstrap.at_bound", fmt::format("must not exceed fits ({}), got {}", count, b.at_bound));
    }
    if (const auto n = node["intervals"]) {
      if (!n.IsMap()) fail(n, "fit.bootstrap.intervals", "must be a map with keys a, d, b, tau");
      static const std::vector<std::string> kIntervalKeys = {"a", "d", "b", "tau"};
      check_keys(n, "fit.bootstrap.intervals.", kIntervalKeys);
      for (const auto& key : kIntervalKeys) {
        if (!n[key]) fail_at(n, "fit.bootstrap.intervals." + key, "is missing");
      }
      b.a = interval(n["a"], "fit.bootstrap.intervals.a");
      b.d = interval(n["d"], "fit.bootstrap.intervals.d");
      b.b = interval_list(n["b"], "fit.bootstrap.intervals.b", pool_count);
      b.tau = interval_list(n["tau"], "fit.bootstrap.intervals.tau", pool_count);
    }
    return b;
  }

  ParameterSet read_set(const YAML::Node& node, const std::string& path, std::size_t pool_count) const {
    if (!node.IsMap()) fail(node, path, "must be a map {a, d, b: [...], tau: [...]}");
    static const std::vector<std::string> kKeys = {"a", "d", "b", "tau"};
    check_keys(node, path + ".", kKeys);
    for (const auto& key : kKeys) {
      if (!node[key]) fail_at(node, path + "." + key, "is missing");
    }
    ParameterSet s;
    s.a = number(node["a"], path + ".a", Rule::positive);
    s.d = number(node["d"], path + ".d", Rule::non_negative);
    s.b = number_list(node["b"], path + ".b", pool_count, Rule::negative);
    s.tau = number_list(node["tau"], path + ".tau", pool_count, Rule::positive);
    return s;
  }

  std::vector<double> number_list(const YAML::Node& node, const std::string& path, std::size_t count, Rule rule) const {
    if (!node.IsSequence()) fail(node, path, fmt::format("must be a list of {} numbers (one per pool)", count));
    if (node.size() != count) fail(node, path, fmt::format("must list {} numbers (one per pool), got {}", count, node.size()));
    std::vector<double> out;
    for (std::size_t i = 0; i < node.size(); ++i) out.push_back(number(node[i], fmt::format("{}[{}]", path, i), rule));
    return out;
  }

  Interval interval(const YAML::Node& node, const std::string& path) const {
    if (!node.IsSequence() || node.size() != 2) fail(node, path, "must be a list [lo, hi]");
    const Interval i{number(node[0], path + "[0]", Rule::any), number(node[1], path + "[1]", Rule::any)};
    if (!(i.lo <= i.hi)) fail(node, path, fmt::format("must have lo <= hi, got [{}, {}]", node[0].Scalar(), node[1].Scalar()));
    return i;
  }

  std::vector<Interval> interval_list(const YAML::Node& node, const std::string& path, std::size_t count) const {
    if (!node.IsSequence()) fail(node, path, fmt::format("must be a list of {} intervals [lo, hi] (one per pool)", count));
    if (node.size() != count) fail(node, path, fmt::format("must list {} intervals (one per pool), got {}", count, node.size()));
    std::vector<Interval> out;
    for (std::size_t i = 0; i < node.size(); ++i) out.push_back(interval(node[i], fmt::format("{}[{}]", path, i)));
    return out;
  }

  // A list of distinct names from `allowed`.
  std::vector<std::string> names(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed) const {
    if (!node.IsSequence()) fail(node, path, fmt::format("must be a list of names from {}", fmt::join(allowed, ", ")));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string item = choice(node[i], fmt::format("{}[{}]", path, i), allowed);
      if (std::find(out.begin(), out.end(), item) != out.end())
        fail(node[i], fmt::format("{}[{}]", path, i), fmt::format("repeats '{}'", item));
      out.push_back(item);
    }
    return out;
  }

  // A whole number >= min_value.
  std::uint64_t integer(const YAML::Node& node, const std::string& path, std::uint64_t min_value) const {
    const std::string text = scalar(node, path, "a whole number");
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
      fail(node, path, fmt::format("must be a whole number >= {}, got {}", min_value, text));
    }
    if (value < min_value) fail(node, path, fmt::format("must be a whole number >= {}, got {}", min_value, text));
    return value;
  }

  std::string source_;
  ConfigOptions options_;
};

}  // namespace

Config load_config_text(std::string_view text, const std::string& source, const ConfigOptions& options) {
  Config config = Reader(source, options).read(text);
  if (!options.allow_missing_parameters) {
    try {
      validate(config.model);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", source, e.what()));
    }
  }
  return config;
}

Config load_config_file(const std::string& path, const ConfigOptions& options) {
  if (std::string_view(path).substr(0, kBuiltinPrefix.size()) == kBuiltinPrefix) {
    return builtin_config(std::string_view(path).substr(kBuiltinPrefix.size()), options);
  }
  const InputText input = read_input(path, "config file", "a config file");
  return load_config_text(input.text, input.source, options);
}

}  // namespace qqt
