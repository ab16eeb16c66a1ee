#include "qqt/output.hpp"

#include <fmt/color.h>
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "qqt/error.hpp"
#include "qqt/quantity.hpp"
#include "qqt/untrusted.hpp"
#include "text_table.hpp"

namespace qqt {

Format parse_format(std::string_view text, std::string_view what) {
  if (text == "table") return Format::table;
  if (text == "json") return Format::json;
  if (text == "csv") return Format::csv;
  if (text == "markdown" || text == "md") return Format::markdown;
  throw InputError(fmt::format("{}: '{}' is not a format; use table, json, csv or markdown", what, text));
}

std::string exact_number(double x) {
  if (!std::isfinite(x)) throw InternalError(fmt::format("a non-finite number ({}) reached the output", x));
  return fmt::format("{}", x);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (const std::size_t n = utf8_sequence_length(s, i); n != 1) {          // JSON is always valid UTF-8 (RFC 8259 section 8.1)
      out += n == 0 ? std::string("\\ufffd") : std::string(s.substr(i, n));  // U+FFFD for a byte that is not UTF-8
      if (n > 1) i += n - 1;
      continue;
    }
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

namespace {

template <typename T, typename F>
std::string join(const std::vector<T>& items, std::string_view sep, F&& f) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += f(items[i]);
  }
  return out;
}

std::string json_numbers(const std::vector<double>& v) { return "[" + join(v, ",", exact_number) + "]"; }
std::string json_strings(const std::vector<std::string>& v) {
  return "[" + join(v, ",", [](const std::string& s) { return json_string(s); }) + "]";
}

std::string json_config(const Config& config) {
  const Model& m = config.model;
  std::string pools = join(m.pools, ",", [](const Pool& p) {
    std::string s = fmt::format("{{\"name\":{},\"size\":{},\"b\":{},\"tau\":{}", json_string(p.name), exact_number(p.size_samples),
                                exact_number(p.b), exact_number(p.tau_passes));
    if (p.share) s += fmt::format(",\"share\":{}", exact_number(*p.share));
    return s + "}";
  });
  return fmt::format("\"config\":{{\"source\":{},\"metric\":{{\"name\":{},\"kind\":{}}},{}\"pools\":[{}]}}", json_string(config.source),
                     json_string(m.metric.name), json_string(to_string(m.metric.kind)),
                     config.model_params ? fmt::format("\"model_params\":{},", exact_number(*config.model_params)) : "", pools);
}

std::string json_law(const LawParams& p) {
  return fmt::format("\"law\":{{\"law\":{},\"irreducible\":{},\"a\":{},\"d\":{},\"normalizer\":{},\"tau_scaling\":{}}}",
                     json_string(to_string(p.law)), json_string(to_string(p.irreducible)), exact_number(p.a), exact_number(p.d),
                     exact_number(p.normalizer), exact_number(p.tau_scaling));
}

std::string json_info_fields(const StrategyInfo& s) {
  return fmt::format("\"strategy\":{},\"label\":{},\"pools\":{},\"fractions\":{},\"weights\":{},\"unique_samples\":{}", json_string(s.id),
                     json_string(s.label), json_strings(s.pools), json_numbers(s.fractions), json_numbers(s.weights),
                     exact_number(s.unique_samples));
}

// Exposure and what the candidate rests on (docs/output.md): per-pool passes, their maximum, extrapolation codes.
std::string json_exposure(const Candidate& c) {
  return fmt::format("\"pool_passes\":{},\"max_pool_passes\":{},\"extrapolation\":{}", json_numbers(c.pool_passes),
                     exact_number(c.max_pool_passes), json_strings(extrapolation_codes(c.extrapolation)));
}

// ",\"accuracy\":X" when the metric kind shows accuracy (metric.hpp), else nothing.
std::string json_accuracy(bool shown, double accuracy) { return shown ? fmt::format(",\"accuracy\":{}", exact_number(accuracy)) : ""; }

// `error` holds the predicted value y in the metric's units (a rate or a loss); accuracy only for rates.
std::string json_candidate(const Candidate& c, bool accuracy) {
  return fmt::format("{{{},\"passes\":{},{},\"error\":{}{},\"pareto\":{},\"feasible\":{}}}", json_info_fields(*c.info),
                     exact_number(c.passes), json_exposure(c), exact_number(c.error), json_accuracy(accuracy, c.accuracy),
                     c.pareto ? "true" : "false", c.feasible ? "true" : "false");
}

// A family's best (docs/output.md "Search"): the candidate's fields without the Pareto marks.
std::string json_family_best(Family family, const Candidate& c, bool accuracy) {
  return fmt::format("{{\"family\":{},{},\"passes\":{},{},\"error\":{}{}}}", json_string(to_string(family)), json_info_fields(*c.info),
                     exact_number(c.passes), json_exposure(c), exact_number(c.error), json_accuracy(accuracy, c.accuracy));
}

std::vector<std::string> family_names(const std::vector<Family>& families) {
  std::vector<std::string> out;
  for (Family f : families) out.push_back(to_string(f));
  return out;
}

std::string json_limit(double x) { return std::isfinite(x) ? exact_number(x) : "null"; }

std::string json_search(const Config& config, const SearchEcho& e) {
  std::string bounds;
  for (std::size_t i = 0; i < config.model.pools.size(); ++i) {
    if (e.min_weight[i] > 0 || e.max_weight[i] < 1) {
      if (!bounds.empty()) bounds += ",";
      bounds += fmt::format("{{\"pool\":{},\"min\":{},\"max\":{}}}", json_string(config.model.pools[i].name), exact_number(e.min_weight[i]),
                            exact_number(e.max_weight[i]));
    }
  }
  return fmt::format(
      "\"search\":{{\"families\":{},\"constraints\":{{\"max_passes\":{},\"max_unique\":{},\"weight_bounds\":[{}]}},"
      "\"mixture\":{{\"seed\":{},\"only_seen\":{}}}}}",
      json_strings(family_names(e.families)), json_limit(e.max_passes), json_limit(e.max_unique), bounds, e.seed,
      e.only_seen ? "true" : "false");
}

std::string json_summary(const OptimizerSummary& m) {
  return fmt::format("{{\"algorithm\":{},\"starts\":{},\"evaluations\":{},\"stopped\":{},\"start_error\":{},\"error\":{}}}",
                     json_string(m.algorithm), m.starts, m.evaluations, json_string(m.stopped), exact_number(m.start_error),
                     exact_number(m.error));
}

std::string json_frontier(const std::vector<FamilyFrontier>& frontier) {
  return "{" +
         join(frontier, ",",
              [](const FamilyFrontier& f) {
                return json_string(to_string(f.family)) + ":[" +
                       join(f.intervals, ",",
                            [](const FrontierInterval& iv) {
                              if (!iv.at_from)
                                return fmt::format("{{\"from\":{},\"to\":{},\"strategy\":null}}", exact_number(iv.from),
                                                   exact_number(iv.to));
                              return fmt::format(
                                  "{{\"from\":{},\"to\":{},\"strategy\":{},\"label\":{},\"pools\":{},\"fractions\":{},"
                                  "\"weights\":{},\"unique_samples\":{},\"to_fractions\":{},\"to_weights\":{},\"to_unique_samples\":{}}}",
                                  exact_number(iv.from), exact_number(iv.to), json_string(iv.strategy), json_string(iv.at_from->label),
                                  json_strings(iv.at_from->pools), json_numbers(iv.at_from->fractions), json_numbers(iv.at_from->weights),
                                  exact_number(iv.at_from->unique_samples), json_numbers(iv.at_to->fractions),
                                  json_numbers(iv.at_to->weights), exact_number(iv.at_to->unique_samples));
                            }) +
                       "]";
              }) +
         "}";
}

using detail::caption;
using detail::TextTable;

std::string header_line(const Config& config, bool markdown = false) {
  const LawParams& p = config.model.params;
  const std::string law =
      fmt::format("{} law{}", to_string(p.law), p.law == LawKind::utility ? fmt::format(", irreducible {}", to_string(p.irreducible)) : "");
  // Which form of d the utility law uses, and that it matters (spec §4: outside y = R + d, paper
  // Eq. 3; inside y = R + d R(n)/R(n_d), the released reference code): on the same parameters
  // the two differ by points of error at large budgets and can pick different levels.
  std::string form;
  if (p.law == LawKind::utility) {
    form = p.irreducible == Irreducible::inside
               ? "irreducible inside: d shrinks with repetition as in the paper's reference code; outside (paper Eq. 3) "
                 "keeps d fixed and can pick another level"
               : "irreducible outside: d stays fixed (paper Eq. 3); inside, the paper's reference code, shrinks d with "
                 "repetition and can pick another level";
    form += config.irreducible_given ? "" : "; outside is the default, as this config does not set irreducible";
    form += markdown ? " (docs/config.md, \"irreducible\")\n" : " (docs/config.md)\n";
  }
  if (markdown) {
    return fmt::format("### Predicted {}\n\nconfig `{}` ({})\n{}", printable(config.model.metric.name), printable(config.source), law,
                       form.empty() ? "" : "\n" + form);
  }
  return fmt::format("config: {} ({}), metric: {}\n{}", printable(config.source), law, printable(config.model.metric.name), form);
}

std::string percent(double x) { return fmt::format("{:.2f}", 100.0 * x); }

// What the metric kind changes in the tables (metric.hpp): the value's name, and accuracy % (rates)
// or the value itself (losses) in the by-level and by-family tables.
struct Shown {
  const MetricKindInfo& kind;
  std::optional<double> model_params;  // FLOPs column when known
  explicit Shown(const Config& c) : kind(info(c.model.metric.kind)), model_params(c.model_params) {}
  bool accuracy() const { return kind.shows_accuracy; }
  const char* value() const { return kind.value_name; }
  // A level's cell: accuracy in percent, or the value.
  std::string cell(const Candidate& c) const { return accuracy() ? percent(c.accuracy) : fmt::format("{:.4f}", c.error); }
  std::string cell_caption() const { return accuracy() ? "accuracy %" : std::string(value()); }
  // Gain of the overall best over the best top-k level: accuracy points, or the value's drop.
  std::string gain(const Candidate& best, const Candidate& top) const {
    return accuracy() ? fmt::format("{:+.2f}", 100.0 * (best.accuracy - top.accuracy)) : fmt::format("{:+.4f}", top.error - best.error);
  }
  std::string gain_rule() const {
    return accuracy() ? "overall best minus best top-k level, in points"
                      : fmt::format("best top-k level minus overall best, in {} units", value());
  }
  // "budget" and, with a model size, "FLOPs" (C = 6 N D).
  void budget_head(std::vector<std::string>& row) const {
    row.push_back("budget");
    if (model_params) row.push_back("FLOPs");
  }
  void budget_cells(std::vector<std::string>& row, double budget) const {
    row.push_back(format_count(budget));
    if (model_params) row.push_back(fmt::format("{:.3g}", flops_of(budget, *model_params)));
  }
};

bool any_infeasible(const PlanResult& plan) {
  for (const auto& b : plan.budgets) {
    for (const auto& c : b.candidates) {
      if (!c.feasible) return true;
    }
  }
  return false;
}

// Accuracy of each family's best and the overall best's strategy, per budget.
std::string search_tables(const PlanResult& plan, const RenderOptions& options, bool md, const Shown& shown) {
  const SearchEcho& echo = *plan.search;
  std::string out = fmt::format("\nsearch: {}; constraints: {}\n", fmt::join(family_names(echo.families), ", "), echo.constraints);
  out += caption(fmt::format("{} of each family's best (* overall best; gain = {})", shown.cell_caption(), shown.gain_rule()), md);
  TextTable acc;
  std::vector<std::string> head{"budget"};
  for (Family f : echo.families) head.push_back(to_string(f));
  head.push_back("gain");
  acc.row(head);
  for (const auto& b : plan.budgets) {
    std::vector<std::string> r{format_count(b.budget_samples)};
    for (std::size_t f = 0; f < b.families.size(); ++f) {
      const auto& best = b.families[f].best;
      r.push_back(best ? shown.cell(*best) + (b.best_family == f ? "*" : "") : "-");
    }
    const Candidate& top = b.best_candidate();
    r.push_back(top.feasible && b.feasible() ? shown.gain(b.overall_best(), top) : "-");
    acc.row(r);
  }
  out += acc.render(md, options.color);
  out += caption("overall best", md);
  unsigned notes = 0;  // the extrapolation column only when some best has one
  for (const auto& b : plan.budgets) notes |= b.feasible() ? b.overall_best().extrapolation : 0u;
  TextTable best;
  std::vector<std::string> columns;
  shown.budget_head(columns);
  for (const char* h : {"family", "strategy", "label", shown.value()}) columns.emplace_back(h);
  if (shown.accuracy()) columns.emplace_back("acc %");
  columns.insert(columns.end(), {"passes", "max pool passes", "unique"});
  if (notes != 0) columns.push_back("extrapolates");
  best.row(columns);
  std::string infeasible;
  for (const auto& b : plan.budgets) {
    std::vector<std::string> r;
    shown.budget_cells(r, b.budget_samples);
    if (!b.feasible()) {
      r.insert(r.end(), {"-", "infeasible"});
      infeasible += fmt::format("  {}: {}\n", format_count(b.budget_samples), b.infeasible);
    } else {
      const Candidate& c = b.overall_best();
      r.insert(r.end(), {to_string(b.overall_family()), c.strategy(), c.label(), fmt::format("{:.6f}", c.error)});
      if (shown.accuracy()) r.push_back(percent(c.accuracy));
      r.insert(r.end(), {fmt::format("{:.4g}", c.passes), fmt::format("{:.4g}", c.max_pool_passes), format_count(c.unique_samples())});
      if (notes != 0) r.push_back(c.extrapolation ? fmt::format("{}", fmt::join(extrapolation_codes(c.extrapolation), ",")) : "-");
    }
    while (r.size() < columns.size()) r.push_back("-");
    best.row(r);
  }
  out += best.render(md, options.color);
  if (!infeasible.empty())
    out += fmt::format("{}infeasible budgets (no searched strategy meets the constraints):\n{}", md ? "\n" : "", infeasible);
  if (notes != 0) {
    std::vector<std::string> lines;
    if (notes & kExtrapolatesWeights) lines.push_back("weights = non-uniform weights (the law's extension beyond the paper)");
    if (notes & kExtrapolatesPasses) lines.push_back("passes = a pool repeated more often than in the fitted runs");
    if (notes & kExtrapolatesBudget) lines.push_back("budget = below the law's range (N0/a)");
    out += fmt::format("{}extrapolates: {}\n", md ? "\n" : "", fmt::join(lines, "; "));
  }
  return out;
}

std::string weights_text(const StrategyInfo& s) {
  std::vector<std::string> parts;
  for (double w : s.weights) {
    if (w > 0) parts.push_back(fmt::format("{:.3g}", 100.0 * w));
  }
  return fmt::format("{}%", fmt::join(parts, "/"));
}

// Each family's best by budget interval.
std::string frontier_table(const PlanResult& plan, bool md) {
  std::string out = caption("frontier (each family's best by budget interval; threshold and mixture: at the start -> at the end)", md);
  TextTable t;
  for (const auto& f : plan.frontier) {
    bool first = true;
    for (const auto& iv : f.intervals) {
      std::vector<std::string> r{first ? std::string("  ") + to_string(f.family) : "",
                                 format_count(iv.from, 6) + " .. " + format_count(iv.to, 6)};
      first = false;
      if (!iv.at_from) {
        r.push_back("-");
        r.push_back("no strategy meets the constraints");
      } else if (f.family == Family::mixture) {
        r.push_back(fmt::format("{}", fmt::join(iv.at_from->pools, ", ")));
        r.push_back("weights " + weights_text(*iv.at_from) + " -> " + weights_text(*iv.at_to));
      } else if (f.family == Family::threshold) {
        r.push_back(iv.strategy);
        r.push_back(iv.at_from->label + " -> " + iv.at_to->label);
      } else {
        r.push_back(iv.strategy);
        r.push_back(iv.at_from->label);
      }
      t.row(r);
    }
  }
  return out + t.render(md, false);
}

// The report for people: aligned text, or Markdown (`md`) for pull requests and CI summaries.
std::string plan_table(const Config& config, const PlanResult& plan, const RenderOptions& options, bool md) {
  std::string out = header_line(config, md);
  const Shown shown(config);
  TextTable summary;
  std::vector<std::string> summary_head;
  shown.budget_head(summary_head);
  for (const char* h : {"best_level", "label", shown.value()}) summary_head.emplace_back(h);
  if (shown.accuracy()) summary_head.emplace_back("acc %");
  summary_head.insert(summary_head.end(), {"passes", "unique", "runner-up", "margin", "pareto"});
  summary.row(summary_head);
  for (const auto& b : plan.budgets) {
    const Candidate& best = b.best_candidate();
    std::vector<std::string> pareto;
    for (const auto& c : b.candidates) {
      if (c.pareto) pareto.push_back(c.strategy());
    }
    std::vector<std::string> r;
    shown.budget_cells(r, b.budget_samples);
    r.insert(r.end(), {best.strategy(), best.label(), fmt::format("{:.6f}", best.error)});
    if (shown.accuracy()) r.push_back(percent(best.accuracy));
    r.insert(r.end(), {fmt::format("{:.4g}", best.passes), format_count(best.unique_samples()),
                       b.runner_up ? b.candidates[*b.runner_up].strategy() : "-", b.runner_up ? fmt::format("{:.6f}", b.margin) : "-",
                       fmt::format("{}", fmt::join(pareto, ","))});
    summary.row(r);
  }
  out += "\n" + summary.render(md, options.color);

  // Every level at every budget: accuracy %, * = best, ~ = not Pareto-optimal.
  if (!plan.budgets.empty() && plan.budgets.front().candidates.size() > 1) {
    TextTable levels;
    std::vector<std::string> head{"budget"};
    for (const auto& c : plan.budgets.front().candidates) head.push_back(c.strategy());
    levels.row(head);
    for (const auto& b : plan.budgets) {
      std::vector<std::string> r{format_count(b.budget_samples)};
      for (std::size_t i = 0; i < b.candidates.size(); ++i) {
        const auto& c = b.candidates[i];
        r.push_back(shown.cell(c) + (!c.feasible ? "x" : i == b.best ? "*" : c.pareto ? "" : "~"));
      }
      levels.row(r);
    }
    out += caption(fmt::format("{} by level (* best, ~ not Pareto-optimal in unique samples vs {}{})", shown.cell_caption(), shown.value(),
                               any_infeasible(plan) ? ", x breaks a constraint" : ""),
                   md);
    out += levels.render(md, options.color);
  }
  if (plan.search) out += search_tables(plan, options, md, shown);
  if (plan.crossovers.empty()) {
    out += "\ncrossovers: none in the budget span\n";
  } else {
    out += caption("crossovers (the best level changes)", md);
    TextTable cross;
    if (md) cross.row({"budget", "from", "to"});
    for (const auto& x : plan.crossovers) {
      if (md) {
        cross.row({format_count(x.budget_samples, 6), x.from, x.to});
      } else {
        cross.row({"  " + format_count(x.budget_samples, 6), x.from, "->", x.to});
      }
    }
    out += cross.render(md, false);
  }
  if (!plan.frontier.empty()) out += frontier_table(plan, md);
  return out;
}

std::string plan_json(const Config& config, const PlanResult& plan, const PlanExtras& extras) {
  const bool acc = info(config.model.metric.kind).shows_accuracy;
  std::string out = "{\"schema\":2," + json_config(config) + "," + json_law(config.model.params);
  if (plan.search) out += "," + json_search(config, *plan.search);
  out += ",\"budgets\":[";
  for (std::size_t i = 0; i < plan.budgets.size(); ++i) {
    const BudgetPlan& b = plan.budgets[i];
    if (i) out += ",";
    const bool level_ok = b.candidates[b.best].feasible;
    out += fmt::format(
        "{{\"budget\":{},{}\"best\":{},\"infeasible\":{},\"best_level\":{},\"runner_up_level\":{},\"level_margin\":{},",
        exact_number(b.budget_samples),
        config.model_params ? fmt::format("\"flops\":{},", exact_number(flops_of(b.budget_samples, *config.model_params))) : "",
        b.feasible() ? json_family_best(b.overall_family(), b.overall_best(), acc) : "null",
        b.feasible() ? "null" : json_string(b.infeasible), level_ok ? json_string(b.best_candidate().strategy()) : "null",
        b.runner_up ? json_string(b.candidates[*b.runner_up].strategy()) : "null", b.runner_up ? exact_number(b.margin) : "null");
    if (!b.families.empty()) {
      out +=
          "\"families\":{" +
          join(b.families, ",",
               [acc](const FamilyBest& f) {
                 return json_string(to_string(f.family)) + ":" + (f.best ? json_family_best(f.family, *f.best, acc) : std::string("null"));
               }) +
          "},";
    }
    for (const FamilyBest& f : b.families) {  // how an optimising family ran: "mixture_search"
      if (f.summary) out += json_string(fmt::format("{}_search", to_string(f.family))) + ":" + json_summary(*f.summary) + ",";
    }
    out += "\"candidates\":[" + join(b.candidates, ",", [acc](const Candidate& c) { return json_candidate(c, acc); }) + "]";
    if (i < extras.budget_json.size() && !extras.budget_json[i].empty()) out += "," + extras.budget_json[i];
    out += "}";
  }
  out += "],\"crossovers\":[";
  out += join(plan.crossovers, ",", [](const Crossover& x) {
    return fmt::format("{{\"budget\":{},\"from\":{},\"to\":{}}}", exact_number(x.budget_samples), json_string(x.from), json_string(x.to));
  });
  out += "]";
  if (!plan.frontier.empty()) out += ",\"frontier\":" + json_frontier(plan.frontier);
  return out + "}\n";
}

}  // namespace

// `error` is the predicted value y (a rate or a loss); the accuracy column (1 - error) only for an
// error rate (metric.hpp), as in every other output.
std::string plan_csv_header(const Config& config) {
  return fmt::format(
      "budget,strategy,label,pools,fractions,weights,unique_samples,passes,error,{}pareto,best,feasible,row,"
      "best_level,pool_passes,max_pool_passes,extrapolation\n",
      info(config.model.metric.kind).shows_accuracy ? "accuracy," : "");
}

std::string plan_csv_rows(const Config& config, const PlanResult& plan) {
  const bool accuracy = info(config.model.metric.kind).shows_accuracy;
  // "X," for the accuracy column, or nothing when the kind has none.
  auto accuracy_cell = [accuracy](double a) { return accuracy ? exact_number(a) + "," : std::string(); };
  // The hot path of large sweeps: format straight into one buffer, and format the columns that only
  // depend on the strategy (label, pools, fractions, weights, unique samples) once per strategy.
  fmt::memory_buffer out;
  if (!plan.budgets.empty()) {  // one allocation instead of repeated doubling and copying
    const auto& b = plan.budgets.front();
    out.reserve(plan.budgets.size() * (b.candidates.size() + b.families.size()) * 192);
  }
  auto exposure_columns = [](const Candidate& c) {
    for (double x : c.pool_passes) exact_number(x);  // throws: NaN and inf never reach the output
    return fmt::format("{},{},{}", join(c.pool_passes, ";", exact_number), exact_number(c.max_pool_passes),
                       fmt::join(extrapolation_codes(c.extrapolation), ";"));
  };
  auto strategy_columns = [](const StrategyInfo& s) {
    return fmt::format("{},{},{},{},{},{}", csv_field(s.id), csv_field(s.label), csv_field(fmt::format("{}", fmt::join(s.pools, ";"))),
                       join(s.fractions, ";", exact_number), join(s.weights, ";", exact_number), exact_number(s.unique_samples));
  };
  std::vector<const StrategyInfo*> cached_for;
  std::vector<std::string> cached;
  std::map<const StrategyInfo*, std::string> family_cache;
  for (const auto& b : plan.budgets) {
    if (cached.size() < b.candidates.size()) {
      cached.resize(b.candidates.size());
      cached_for.resize(b.candidates.size(), nullptr);
    }
    for (std::size_t i = 0; i < b.candidates.size(); ++i) {
      const Candidate& c = b.candidates[i];
      const StrategyInfo& s = *c.info;
      if (cached_for[i] != &s) {
        cached[i] = strategy_columns(s);
        cached_for[i] = &s;
      }
      for (double x : {b.budget_samples, c.passes, c.error, c.accuracy}) {
        if (!std::isfinite(x)) exact_number(x);  // throws: NaN and inf never reach the output
      }
      const bool best_level = i == b.best && c.feasible;
      fmt::format_to(fmt::appender(out), FMT_COMPILE("{},{},{},{},{}{},{},{},level,{},{}\n"), b.budget_samples, cached[i], c.passes,
                     c.error, accuracy_cell(c.accuracy), c.pareto ? "true" : "false", best_level && b.families.empty() ? "true" : "false",
                     c.feasible ? "true" : "false", best_level ? "true" : "false", exposure_columns(c));
    }
    if (!b.feasible()) {  // no searched strategy meets the constraints here: one row saying why
      // budget, strategy empty, the reason as label, then pools .. pareto empty (8 columns with accuracy, 7 without).
      fmt::format_to(fmt::appender(out), "{},,{}{}false,false,infeasible,,,,\n", exact_number(b.budget_samples), csv_field(b.infeasible),
                     std::string(accuracy ? 9 : 8, ','));
    }
    // One row per searched family: its best (best = the overall best).
    for (std::size_t f = 0; f < b.families.size(); ++f) {
      if (!b.families[f].best) continue;
      const Candidate& c = *b.families[f].best;
      const StrategyInfo* s = c.info.get();
      auto it = family_cache.find(s);
      if (it == family_cache.end()) it = family_cache.emplace(s, strategy_columns(*s)).first;
      for (double x : {c.passes, c.error, c.accuracy}) {
        if (!std::isfinite(x)) exact_number(x);  // throws
      }
      fmt::format_to(fmt::appender(out), FMT_COMPILE("{},{},{},{},{},{},true,{},,{}\n"), b.budget_samples, it->second, c.passes, c.error,
                     accuracy_cell(c.accuracy), b.best_family == f ? "true" : "false", to_string(b.families[f].family),
                     exposure_columns(c));
      if (family_cache.size() > 4096) family_cache.clear();  // threshold and mixture strategies are new at every budget
    }
  }
  return fmt::to_string(out);
}

std::string render_plan(const Config& config, const PlanResult& plan, Format format, const RenderOptions& options,
                        const PlanExtras& extras) {
  if (!extras.budget_json.empty() && extras.budget_json.size() != plan.budgets.size()) {
    throw InternalError(fmt::format("render_plan: {} extra JSON entries for {} budgets", extras.budget_json.size(), plan.budgets.size()));
  }
  switch (format) {
    case Format::table: return plan_table(config, plan, options, false) + extras.table;
    case Format::markdown: return plan_table(config, plan, options, true) + extras.table;
    case Format::json: return plan_json(config, plan, extras);
    case Format::csv: return plan_csv_header(config) + plan_csv_rows(config, plan) + extras.csv;
  }
  throw InternalError("render_plan: unknown format");
}

std::string render_predictions(const Config& config, const Mixture& mixture, const std::vector<Prediction>& predictions, Format format,
                               const RenderOptions& options) {
  switch (format) {
    case Format::table:
    case Format::markdown: {
      const bool md = format == Format::markdown;
      std::string out = header_line(config, md);
      out += fmt::format("{}strategy: fractions {}, weights {}\n\n", md ? "\n" : "",
                         join(mixture.fractions(), ",", [](double x) { return fmt::format("{:.4g}", x); }),
                         join(mixture.weights(), ",", [](double x) { return fmt::format("{:.4g}", x); }));
      const Shown shown(config);
      TextTable t;
      std::vector<std::string> head;
      shown.budget_head(head);
      head.emplace_back(shown.value());
      if (shown.accuracy()) head.emplace_back("acc %");
      head.insert(head.end(), {"passes", "unique"});
      t.row(head);
      for (const auto& p : predictions) {
        std::vector<std::string> r;
        shown.budget_cells(r, p.budget_samples);
        r.push_back(fmt::format("{:.6f}", p.error));
        if (shown.accuracy()) r.push_back(percent(p.accuracy));
        r.insert(r.end(), {fmt::format("{:.4g}", p.passes), format_count(p.unique_samples)});
        t.row(r);
      }
      return out + t.render(md, options.color);
    }
    case Format::json: {
      std::string out =
          "{\"schema\":1," + json_config(config) + "," + json_law(config.model.params) +
          fmt::format(",\"fractions\":{},\"weights\":{},\"unique_samples\":{},\"predictions\":[", json_numbers(mixture.fractions()),
                      json_numbers(mixture.weights()), exact_number(mixture.unique_samples()));
      const bool acc = info(config.model.metric.kind).shows_accuracy;
      const std::optional<double> params = config.model_params;
      out += join(predictions, ",", [acc, params](const Prediction& p) {
        return fmt::format("{{\"budget\":{},{}\"error\":{}{},\"passes\":{}}}", exact_number(p.budget_samples),
                           params ? fmt::format("\"flops\":{},", exact_number(flops_of(p.budget_samples, *params))) : "",
                           exact_number(p.error), json_accuracy(acc, p.accuracy), exact_number(p.passes));
      });
      return out + "]}\n";
    }
    case Format::csv: {
      const bool acc = info(config.model.metric.kind).shows_accuracy;
      std::string out = acc ? "budget,error,accuracy,passes,unique_samples\n" : "budget,error,passes,unique_samples\n";
      for (const auto& p : predictions) {
        out += fmt::format("{},{},{}{},{}\n", exact_number(p.budget_samples), exact_number(p.error),
                           acc ? exact_number(p.accuracy) + "," : std::string(), exact_number(p.passes), exact_number(p.unique_samples));
      }
      return out;
    }
  }
  throw InternalError("render_predictions: unknown format");
}

}  // namespace qqt
