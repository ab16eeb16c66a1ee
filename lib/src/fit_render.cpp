// Rendering of bootstrap decision uncertainty, validation and cross-validation (docs/output.md,
// docs/validation.md). Figures only come from the compute modules; nothing is computed here.
#include "qqt/fit_render.hpp"

#include <fmt/format.h>

#include <cmath>

#include "qqt/error.hpp"
#include "qqt/quantity.hpp"
#include "qqt/text.hpp"
#include "text_table.hpp"

namespace qqt {

namespace {

std::string json_interval(const Interval& i) { return fmt::format("[{},{}]", exact_number(i.lo), exact_number(i.hi)); }

std::string interval_text(const Interval& i, const char* spec) {
  return fmt::format(fmt::runtime(std::string("[") + spec + ", " + spec + "]"), i.lo, i.hi);
}

std::string names_of(const DecisionUncertainty& d, const std::vector<std::size_t>& idx) {
  std::string out;
  for (std::size_t k = 0; k < idx.size(); ++k) out += (k ? ", " : "") + d.compared[idx[k]].info->id;
  return out;
}

std::string optional_number(const std::optional<double>& x) { return x ? exact_number(*x) : std::string("null"); }
std::string optional_csv(const std::optional<double>& x) { return x ? exact_number(*x) : std::string(); }

}  // namespace

PlanExtras decision_extras(const std::vector<DecisionUncertainty>& decisions, bool markdown) {
  PlanExtras extras;
  if (decisions.empty()) return extras;
  const DecisionUncertainty& first = decisions.front();
  const double pct = 100.0 * first.level;
  // JSON: one member per budget.
  for (const auto& d : decisions) {
    std::string members;
    for (std::size_t k = 0; k < d.compared.size(); ++k) {
      const StrategyUncertainty& s = d.compared[k];
      if (k) members += ",";
      members += fmt::format(
          "{{\"strategy\":{},\"family\":{},\"error\":{},\"error_interval\":{},\"accuracy_interval\":{},\"p_best\":{},\"regret_mean\":{},"
          "\"regret_interval\":{},\"near_optimal\":{}}}",
          json_string(s.info->id), json_string(s.family), exact_number(s.error), json_interval(s.error_interval),
          json_interval(s.accuracy_interval), exact_number(s.p_best), exact_number(s.regret_mean), json_interval(s.regret),
          s.near_optimal ? "true" : "false");
    }
    std::string near;
    for (std::size_t k = 0; k < d.near_optimal.size(); ++k) near += (k ? "," : "") + json_string(d.compared[d.near_optimal[k]].info->id);
    const StrategyUncertainty& rec = d.compared[d.recommended];
    extras.budget_json.push_back(fmt::format(
        "\"uncertainty\":{{\"fits\":{},\"level\":{},\"compared\":[{}],\"recommended\":{},\"expected_regret\":{},\"regret_interval\":{},"
        "\"near_optimal\":[{}],\"settled\":{}}}",
        d.fits, exact_number(d.level), members, json_string(rec.info->id), exact_number(rec.regret_mean), json_interval(rec.regret), near,
        d.settled() ? "true" : "false"));
  }
  // Table: one row per compared strategy; '*' marks the recommended one.
  detail::TextTable t;
  t.row({"budget", "strategy", "family", "error", fmt::format("error {:g}%", pct), fmt::format("acc {:g}% (%)", pct), "P(best) %", "regret",
         fmt::format("regret {:g}%", pct), "near-optimal"});
  std::string unsettled;
  for (const auto& d : decisions) {
    for (std::size_t k = 0; k < d.compared.size(); ++k) {
      const StrategyUncertainty& s = d.compared[k];
      t.row({k == 0 ? format_count(d.budget_samples) : "", s.info->id + (k == d.recommended ? "*" : ""), s.family,
             fmt::format("{:.5f}", s.error), interval_text(s.error_interval, "{:.5f}"),
             fmt::format("[{:.2f}, {:.2f}]", 100.0 * s.accuracy_interval.lo, 100.0 * s.accuracy_interval.hi),
             fmt::format("{:.1f}", 100.0 * s.p_best), fmt::format("{:.5f}", s.regret_mean), interval_text(s.regret, "{:.5f}"),
             s.near_optimal ? "yes" : ""});
    }
    if (!d.settled()) {
      unsettled += fmt::format("{}{}: not settled by the data; near-optimal: {}\n", markdown ? "- " : "  ", format_count(d.budget_samples),
                               names_of(d, d.near_optimal));
    }
  }
  extras.table = detail::caption(fmt::format("decision uncertainty across {} bootstrap fits: each strategy's error with the parameters of "
                                             "every fit (the top-k levels and each family's best, with the fractions and weights the plan "
                                             "chose; not re-optimised per fit); * the recommended strategy; regret = its error minus the "
                                             "lowest compared error in the same fit",
                                             first.fits),
                                 markdown) +
                 t.render(markdown, false);
  if (!unsettled.empty()) {
    extras.table += fmt::format(
        "\n{}budgets where the choice is not settled by the data (near-optimal: P(best) >= {:g}% or the regret interval "
        "includes 0):\n{}",
        markdown ? "" : "", 100.0 * kNearOptimalShare, unsettled);
  } else {
    extras.table += "\nthe data settle the choice at every budget (one near-optimal strategy each)\n";
  }
  // CSV: a second table after one empty line, with its own header.
  std::string csv =
      "\nbudget,strategy,family,error,error_lo,error_hi,accuracy_lo,accuracy_hi,p_best,regret_mean,regret_lo,regret_hi,near_optimal,"
      "recommended,"
      "settled,fits,level\n";
  for (const auto& d : decisions) {
    for (std::size_t k = 0; k < d.compared.size(); ++k) {
      const StrategyUncertainty& s = d.compared[k];
      csv +=
          fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", exact_number(d.budget_samples), csv_field(s.info->id),
                      csv_field(s.family), exact_number(s.error), exact_number(s.error_interval.lo), exact_number(s.error_interval.hi),
                      exact_number(s.accuracy_interval.lo), exact_number(s.accuracy_interval.hi), exact_number(s.p_best),
                      exact_number(s.regret_mean), exact_number(s.regret.lo), exact_number(s.regret.hi), s.near_optimal ? "true" : "false",
                      k == d.recommended ? "true" : "false", d.settled() ? "true" : "false", d.fits, exact_number(d.level));
    }
  }
  extras.csv = std::move(csv);
  return extras;
}

std::string render_prediction_intervals(const std::vector<double>& budgets_samples, const std::vector<Interval>& intervals,
                                        const BootstrapRecord& record, Format format) {
  if (budgets_samples.size() != intervals.size()) throw InternalError("render_prediction_intervals: sizes differ");
  const double pct = 100.0 * record.level;
  switch (format) {
    case Format::table:
    case Format::markdown: {
      const bool md = format == Format::markdown;
      detail::TextTable t;
      t.row({"budget", fmt::format("error {:g}%", pct), fmt::format("acc {:g}% (%)", pct)});
      for (std::size_t i = 0; i < intervals.size(); ++i) {
        t.row({format_count(budgets_samples[i]), interval_text(intervals[i], "{:.6f}"),
               fmt::format("[{:.2f}, {:.2f}]", 100.0 * (1.0 - intervals[i].hi), 100.0 * (1.0 - intervals[i].lo))});
      }
      return detail::caption(fmt::format("{:g}% intervals across {} bootstrap fits", pct, record.sets.size()), md) + t.render(md, false);
    }
    case Format::json: {
      std::string out = fmt::format("\"intervals\":{{\"fits\":{},\"level\":{},\"error\":[", record.sets.size(), exact_number(record.level));
      for (std::size_t i = 0; i < intervals.size(); ++i) out += (i ? "," : "") + json_interval(intervals[i]);
      return out + "]}";
    }
    case Format::csv: {
      std::string out = "\nbudget,error_lo,error_hi,accuracy_lo,accuracy_hi,fits,level\n";
      for (std::size_t i = 0; i < intervals.size(); ++i) {
        out += fmt::format("{},{},{},{},{},{},{}\n", exact_number(budgets_samples[i]), exact_number(intervals[i].lo),
                           exact_number(intervals[i].hi), exact_number(1.0 - intervals[i].hi), exact_number(1.0 - intervals[i].lo),
                           record.sets.size(), exact_number(record.level));
      }
      return out;
    }
  }
  throw InternalError("render_prediction_intervals: unknown format");
}

std::string render_validation(const Config& config, const std::string& observations_source, const ValidationReport& report, Format format) {
  const char* metric = report.metric.name;  // the file's column: error, accuracy or loss
  switch (format) {
    case Format::table:
    case Format::markdown: {
      const bool md = format == Format::markdown;
      // Every Markdown report starts with a heading (docs/output.md), as plan's and predict's do.
      std::string out = md ? fmt::format("### Predicted vs observed {}\n\n", metric) : "";
      out += fmt::format("config: {} ({} law), observations: {} ({}, {})\n\n", md ? "`" + config.source + "`" : config.source,
                         to_string(config.model.params.law), observations_source, count_of(report.rows.size(), "row"), metric);
      detail::TextTable t;
      t.row({"line", "pool", "samples", fmt::format("observed {}", metric), "predicted", "residual"});
      for (const auto& r : report.rows) {
        const double residual = r.predicted - r.observed;
        t.row({fmt::format("{}", r.line), r.pool, format_count(r.samples_seen), fmt::format("{:.5f}", r.observed),
               fmt::format("{:.5f}", r.predicted), fmt::format("{:+.5f}", std::abs(residual) < 5e-6 ? 0.0 : residual)});
      }
      out += t.render(md, false);
      out += fmt::format("\nMAE {:.5f}  RMSE {:.5f}  max |error| {:.5f}", report.mae, report.rmse, report.max_abs);
      if (report.max_mae) out += fmt::format("  (gate: MAE <= {:g}: {})", *report.max_mae, report.mae_passed() ? "pass" : "FAIL");
      out += "\n";
      if (!report.decisions.empty()) {
        detail::TextTable d;
        d.row({"budget", "strategies", "Spearman", "pairs", "decision acc", "law's choice", "best observed", "regret"});
        for (const auto& b : report.decisions) {
          d.row({format_count(b.budget_samples), fmt::format("{}", b.strategies), b.spearman ? fmt::format("{:+.3f}", *b.spearman) : "-",
                 fmt::format("{}", b.pairs), b.decision_accuracy ? fmt::format("{:.3f}", *b.decision_accuracy) : "-", b.chosen, b.best,
                 fmt::format("{:.5f}", b.regret)});
        }
        out +=
            detail::caption("decisions per budget with two or more held-out strategies (regret in error units)", md) + d.render(md, false);
        out += fmt::format("\ndecision accuracy {}  mean regret {:.5f}",
                           report.decision_accuracy ? fmt::format("{:.3f}", *report.decision_accuracy) : "-",
                           report.mean_regret.value_or(0.0));
        if (report.min_decision_accuracy) {
          out += fmt::format("  (gate: decision accuracy >= {:g}: {})", *report.min_decision_accuracy,
                             report.decisions_passed() ? "pass" : "FAIL");
        }
        out += "\n";
      } else {
        out += "decisions: no budget has two held-out strategies to compare\n";
      }
      return out;
    }
    case Format::json: {
      // Schema 2: "metric" is the config's metric and the file's column (schema 1: the column name only).
      std::string out =
          fmt::format("{{\"schema\":2,\"metric\":{{\"name\":{},\"kind\":{},\"column\":{}}},\"rows\":[",
                      json_string(config.model.metric.name), json_string(to_string(config.model.metric.kind)), json_string(metric));
      for (std::size_t i = 0; i < report.rows.size(); ++i) {
        const auto& r = report.rows[i];
        if (i) out += ",";
        out += fmt::format("{{\"pool\":{},\"samples_seen\":{},\"observed\":{},\"predicted\":{}}}", json_string(r.pool),
                           exact_number(r.samples_seen), exact_number(r.observed), exact_number(r.predicted));
      }
      out += fmt::format("],\"mae\":{},\"rmse\":{},\"max_abs\":{}", exact_number(report.mae), exact_number(report.rmse),
                         exact_number(report.max_abs));
      out += ",\"decisions\":[";
      for (std::size_t i = 0; i < report.decisions.size(); ++i) {
        const auto& b = report.decisions[i];
        out += fmt::format(
            "{}{{\"budget\":{},\"strategies\":{},\"spearman\":{},\"pairs\":{},\"correct_pairs\":{},\"decision_accuracy\":{},"
            "\"chosen\":{},\"best\":{},\"regret\":{}}}",
            i ? "," : "", exact_number(b.budget_samples), b.strategies, optional_number(b.spearman), b.pairs, exact_number(b.correct_pairs),
            optional_number(b.decision_accuracy), json_string(b.chosen), json_string(b.best), exact_number(b.regret));
      }
      out += fmt::format("],\"decision_accuracy\":{},\"mean_regret\":{}", optional_number(report.decision_accuracy),
                         optional_number(report.mean_regret));
      if (report.max_mae) out += fmt::format(",\"max_mae\":{}", exact_number(*report.max_mae));
      if (report.min_decision_accuracy) out += fmt::format(",\"min_decision_accuracy\":{}", exact_number(*report.min_decision_accuracy));
      if (report.max_mae || report.min_decision_accuracy) out += fmt::format(",\"passed\":{}", report.passed() ? "true" : "false");
      return out + "}\n";
    }
    case Format::csv: {
      std::string out = fmt::format("pool,samples_seen,observed,predicted,residual\n");
      for (const auto& r : report.rows) {
        out += fmt::format("{},{},{},{},{}\n", csv_field(r.pool), exact_number(r.samples_seen), exact_number(r.observed),
                           exact_number(r.predicted), exact_number(r.predicted - r.observed));
      }
      if (!report.decisions.empty()) {
        out += "\nbudget,strategies,spearman,pairs,correct_pairs,decision_accuracy,chosen,best,regret\n";
        for (const auto& b : report.decisions) {
          out += fmt::format("{},{},{},{},{},{},{},{},{}\n", exact_number(b.budget_samples), b.strategies, optional_csv(b.spearman),
                             b.pairs, exact_number(b.correct_pairs), optional_csv(b.decision_accuracy), csv_field(b.chosen),
                             csv_field(b.best), exact_number(b.regret));
        }
      }
      return out;
    }
  }
  throw InternalError("render_validation: unknown format");
}

std::string render_cross_validation(const CrossValidation& cv, const MetricColumn& metric) {
  detail::TextTable t;
  t.row({fmt::format("left out ({})", to_string(cv.by)), "fit rows", "held-out rows", fmt::format("MAE ({})", metric.name), "decision acc",
         "pairs", "mean regret"});
  std::string skipped;
  for (const auto& f : cv.folds) {
    if (!f.skipped.empty()) {
      t.row({f.held_out, fmt::format("{}", f.train_rows), fmt::format("{}", f.held_rows), "skipped", "", "", ""});
      skipped += fmt::format("  {}: {}\n", f.held_out, f.skipped);
      continue;
    }
    t.row({f.held_out, fmt::format("{}", f.train_rows), fmt::format("{}", f.held_rows), fmt::format("{:.5f}", f.mae),
           f.decision_accuracy ? fmt::format("{:.3f}", *f.decision_accuracy) : "-", fmt::format("{}", f.pairs),
           f.mean_regret ? fmt::format("{:.5f}", *f.mean_regret) : "-"});
  }
  std::string out = fmt::format("\ncross-validation: refit leaving out each {} in turn, predict the rows left out\n", to_string(cv.by));
  out += t.render(false);
  if (!skipped.empty()) out += "skipped folds:\n" + skipped;
  out +=
      fmt::format("held-out MAE {:.5f} over {} of {}; decision accuracy {}\n", cv.mae, cv.folds_fitted, count_of(cv.folds.size(), "fold"),
                  cv.decision_accuracy ? fmt::format("{:.3f}", *cv.decision_accuracy) : "- (no held-out budget with two strategies)");
  return out;
}

}  // namespace qqt
