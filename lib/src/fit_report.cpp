#include "qqt/fit_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "qqt/error.hpp"
#include "qqt/output.hpp"
#include "qqt/text.hpp"

namespace qqt {

FitRecord make_fit_record(const FitResult& result, const Observations& observations, const FitOptions& options,
                          const BootstrapResult* bootstrap) {
  FitRecord r;
  r.observations = observations.source;
  r.rows = result.summary.rows;
  r.loss = to_string(options.loss);
  for (const auto& [name, value] : options.fixed) r.fixed.push_back(name);
  if (options.shared_b) r.shared.push_back("b");
  if (options.shared_tau) r.shared.push_back("tau");
  r.seed = options.seed;
  r.objective_start = result.summary.objective_start;
  r.objective = result.summary.objective;
  r.rmse = result.summary.rmse;
  r.mae = result.summary.mae;
  r.max_abs = result.summary.max_abs;
  // Passes over pool i of a run of strategy s at n samples: n w_i / (f_i S_i), as Candidate::pool_passes.
  double most = 0.0;
  for (const auto& row : observations.rows) {
    if (!(row.weight > 0)) continue;
    const Mixture mix(result.model, strategy_of(row, result.model));
    for (std::size_t i = 0; i < result.model.pools.size(); ++i) {
      const double kept = mix.fractions()[i] * result.model.pools[i].size_samples;
      if (mix.weights()[i] > 0 && kept > 0) most = std::max(most, row.samples_seen * mix.weights()[i] / kept);
    }
  }
  if (most > 0) r.max_pool_passes = most;
  r.evaluations = result.summary.evaluations;
  r.local_runs = result.summary.local_runs;
  r.stopped = result.summary.stopped;
  r.at_bound = result.summary.at_bound;
  r.undetermined = result.summary.identifiability.undetermined;
  r.warnings = result.summary.warnings;
  if (bootstrap) {
    r.bootstrap = bootstrap->record;
    if (!bootstrap->uninformative.empty()) r.warnings.push_back(bootstrap->uninformative);
  }
  return r;
}

namespace {

std::string yaml_strings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_string(v[i]);
  return out + "]";
}

std::string yaml_numbers(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + exact_number(v[i]);
  return out + "]";
}

std::string yaml_interval(const Interval& i) { return fmt::format("[{}, {}]", exact_number(i.lo), exact_number(i.hi)); }

std::string yaml_intervals(const std::vector<Interval>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + yaml_interval(v[i]);
  return out + "]";
}

}  // namespace

std::string render_fitted_config(const Config& base, const FitResult& result, const FitRecord& record) {
  const Model& m = result.model;
  validate(m);
  const LawParams& p = m.params;
  std::string out = fmt::format("# Fitted by qqt fit from {}: {}, {} law, loss {}.\n", record.observations, count_of(record.rows, "row"),
                                to_string(p.law), record.loss);
  out += fmt::format("# Start config: {}. The fit: block records how (docs/config.md, docs/fit.md).\n", base.source);
  out += fmt::format("law: {}\n", to_string(p.law));
  out += fmt::format("irreducible: {}\n", to_string(p.irreducible));
  out += fmt::format("tau_scaling: {}\n", exact_number(p.tau_scaling));
  out += fmt::format("normalizer: {}\n", exact_number(p.normalizer));
  out += fmt::format("a: {}\n", exact_number(p.a));
  out += fmt::format("d: {}\n", exact_number(p.d));
  if (m.metric.kind == MetricKind::error_rate) {
    out += fmt::format("metric: {}\n", json_string(m.metric.name));  // today's form: a label is an error rate
  } else {
    out += fmt::format("metric: {{name: {}, kind: {}}}\n", json_string(m.metric.name), to_string(m.metric.kind));
  }
  if (base.model_params) out += fmt::format("model_params: {}\n", exact_number(*base.model_params));
  out += "pools:\n";
  for (const Pool& pool : m.pools) {
    out += fmt::format("  - {{name: {}, size: {}", json_string(pool.name), exact_number(pool.size_samples));
    if (pool.share) out += fmt::format(", share: {}", exact_number(*pool.share));
    out += fmt::format(", b: {}, tau: {}}}\n", exact_number(pool.b), exact_number(pool.tau_passes));
  }
  out += "fit:\n";
  out += fmt::format("  observations: {}\n", json_string(record.observations));
  out += fmt::format("  rows: {}\n", record.rows);
  out += fmt::format("  loss: {}\n", json_string(record.loss));
  out += fmt::format("  fixed: {}\n", yaml_strings(record.fixed));
  out += fmt::format("  shared: {}\n", yaml_strings(record.shared));
  out += fmt::format("  seed: {}\n", record.seed);
  out += fmt::format("  objective_start: {}\n", exact_number(record.objective_start));
  out += fmt::format("  objective: {}\n", exact_number(record.objective));
  out += fmt::format("  rmse: {}\n", exact_number(record.rmse));
  out += fmt::format("  mae: {}\n", exact_number(record.mae));
  out += fmt::format("  max_abs: {}\n", exact_number(record.max_abs));
  if (record.max_pool_passes) out += fmt::format("  max_pool_passes: {}\n", exact_number(*record.max_pool_passes));
  out += fmt::format("  evaluations: {}\n", record.evaluations);
  out += fmt::format("  local_runs: {}\n", record.local_runs);
  out += fmt::format("  stopped: {}\n", json_string(record.stopped));
  out += fmt::format("  at_bound: {}\n", yaml_strings(record.at_bound));
  out += fmt::format("  undetermined: {}\n", yaml_strings(record.undetermined));
  out += fmt::format("  warnings: {}\n", yaml_strings(record.warnings));
  if (record.bootstrap) {
    const BootstrapRecord& b = *record.bootstrap;
    out += "  bootstrap:\n";
    out += fmt::format("    fits: {}\n", b.sets.size());
    out += fmt::format("    seed: {}\n", b.seed);
    out += fmt::format("    level: {}\n", exact_number(b.level));
    out += fmt::format("    at_bound: {}\n", b.at_bound);
    out += "    intervals:\n";
    out += fmt::format("      a: {}\n", yaml_interval(b.a));
    out += fmt::format("      d: {}\n", yaml_interval(b.d));
    out += fmt::format("      b: {}\n", yaml_intervals(b.b));
    out += fmt::format("      tau: {}\n", yaml_intervals(b.tau));
    out += "    sets:\n";
    for (const ParameterSet& s : b.sets) {
      out += fmt::format("      - {{a: {}, d: {}, b: {}, tau: {}}}\n", exact_number(s.a), exact_number(s.d), yaml_numbers(s.b),
                         yaml_numbers(s.tau));
    }
  }
  return out;
}

std::string render_fit_summary(const FitResult& result, const FitRecord& record) {
  const Model& m = result.model;
  const FitSummary& s = result.summary;
  std::string out = fmt::format("fit: {} of {}, {} law{}, loss {}, {} free parameters\n", count_of(s.rows, "row"), record.observations,
                                to_string(m.params.law),
                                m.params.law == LawKind::utility ? fmt::format(" (irreducible {})", to_string(m.params.irreducible)) : "",
                                record.loss, s.free.size());
  out += fmt::format("objective {:.6g} at the start -> {:.6g}; residuals: RMSE {:.4g}, MAE {:.4g}, max {:.4g}\n", s.objective_start,
                     s.objective, s.rmse, s.mae, s.max_abs);
  out += fmt::format("{} evaluations, {} local runs; stopped: {}\n", s.evaluations, s.local_runs, s.stopped);
  out += fmt::format("at a bound: {}\n", s.at_bound.empty() ? std::string("none") : fmt::format("{}", fmt::join(s.at_bound, "; ")));
  const Identifiability& id = s.identifiability;
  if (!s.free.empty() && id.condition_number > 0) {
    out += fmt::format("identifiability: condition number {:.3g}, rank {} of {}; not determined: {}\n", id.condition_number, id.rank,
                       s.free.size(), id.undetermined.empty() ? std::string("none") : fmt::format("{}", fmt::join(id.undetermined, "; ")));
  }
  for (const auto& w : record.warnings) out += fmt::format("warning: {}\n", w);
  if (record.bootstrap && record.bootstrap->at_bound > 0) {
    out += fmt::format("warning: {} of {} bootstrap refits ended with a parameter at a bound: the runs do not pin every parameter down\n",
                       record.bootstrap->at_bound, record.bootstrap->sets.size());
  }

  auto held = [&](const char* name) { return std::find(record.fixed.begin(), record.fixed.end(), name) != record.fixed.end(); };
  auto shared = [&](const char* name) { return std::find(record.shared.begin(), record.shared.end(), name) != record.shared.end(); };
  const bool power = m.params.law == LawKind::power;
  const auto* boot = record.bootstrap ? &*record.bootstrap : nullptr;
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"parameter", "value",
                  boot ? fmt::format("{:g}% interval ({} bootstrap fits)", 100.0 * boot->level, boot->sets.size()) : "", "note"});
  auto interval = [](const Interval& i) { return fmt::format("[{:.6g}, {:.6g}]", i.lo, i.hi); };
  rows.push_back({"a", fmt::format("{:.6g}", m.params.a), boot ? interval(boot->a) : "", held("a") ? "held" : ""});
  rows.push_back({"d", fmt::format("{:.6g}", m.params.d), boot ? interval(boot->d) : "", held("d") ? "held" : ""});
  for (std::size_t i = 0; i < m.pools.size(); ++i) {
    const Pool& p = m.pools[i];
    rows.push_back({fmt::format("b[{}]", p.name), fmt::format("{:.6g}", p.b), boot ? interval(boot->b[i]) : "",
                    held("b")     ? "held"
                    : shared("b") ? "shared"
                                  : ""});
    rows.push_back({fmt::format("tau[{}]", p.name), fmt::format("{:.6g}", p.tau_passes), boot ? interval(boot->tau[i]) : "",
                    power           ? "unused by the power law"
                    : held("tau")   ? "held"
                    : shared("tau") ? "shared, scaled by size"
                                    : ""});
  }
  std::vector<std::size_t> width(4, 0);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  out += "\n";
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (width[i] == 0) continue;
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace qqt
