#include "qqt/validation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "qqt/error.hpp"
#include "qqt/output.hpp"
#include "qqt/quantity.hpp"
#include "text_table.hpp"

namespace qqt {

void validate(const ValidationOptions& options) {
  if (options.max_mae && !(std::isfinite(*options.max_mae) && *options.max_mae >= 0)) {
    throw InputError(fmt::format("--max-mae must be a finite number >= 0, got {}", *options.max_mae));
  }
}

ValidationReport check_predictions(const Model& model, const Observations& observations, const ValidationOptions& options) {
  validate(options);
  validate(model);
  if (observations.rows.empty()) throw InputError(fmt::format("{}: no rows to validate", observations.source));
  ValidationReport report;
  report.metric = observations.metric;
  report.max_mae = options.max_mae;
  double abs_sum = 0.0, sq_sum = 0.0;
  for (const auto& row : observations.rows) {
    ValidationRow v;
    v.pool = row.pool;
    v.samples_seen = row.samples_seen;
    v.line = row.line;
    v.observed = value_of(observations.metric, row.error);
    v.predicted = value_of(observations.metric, predict_error(model, strategy_of(row, model), row.samples_seen));
    const double r = std::abs(v.predicted - v.observed);
    abs_sum += r;
    sq_sum += r * r;
    report.max_abs = std::max(report.max_abs, r);
    report.rows.push_back(std::move(v));
  }
  const auto n = static_cast<double>(report.rows.size());
  report.mae = abs_sum / n;
  report.rmse = std::sqrt(sq_sum / n);
  return report;
}


std::string render_validation(const Config& config, const std::string& observations_source, const ValidationReport& report,
                              Format format) {
  const char* metric = report.metric.name;
  switch (format) {
    case Format::table:
    case Format::markdown: {
      const bool md = format == Format::markdown;
      std::string out = fmt::format("config: {} ({} law), observations: {} ({} rows, {})\n\n", md ? "`" + config.source + "`" : config.source,
                                    to_string(config.model.params.law), observations_source, report.rows.size(), metric);
      detail::TextTable t;
      t.row({"line", "pool", "samples", fmt::format("observed {}", metric), "predicted", "residual"});
      for (const auto& r : report.rows) {
        const double residual = r.predicted - r.observed;
        t.row({fmt::format("{}", r.line), r.pool, format_count(r.samples_seen), fmt::format("{:.5f}", r.observed),
               fmt::format("{:.5f}", r.predicted), fmt::format("{:+.5f}", std::abs(residual) < 5e-6 ? 0.0 : residual)});
      }
      out += t.render(md, false);
      out += fmt::format("\nMAE {:.5f}  RMSE {:.5f}  max |error| {:.5f}", report.mae, report.rmse, report.max_abs);
      if (report.max_mae) out += fmt::format("  (gate: MAE <= {:g}: {})", *report.max_mae, report.passed() ? "pass" : "FAIL");
      return out + "\n";
    }
    case Format::json: {
      std::string out = fmt::format("{{\"schema\":1,\"metric\":{{\"name\":{},\"kind\":{},\"column\":{}}},\"rows\":[",
                                    json_string(config.model.metric.name), json_string(to_string(config.model.metric.kind)), json_string(metric));
      for (std::size_t i = 0; i < report.rows.size(); ++i) {
        const auto& r = report.rows[i];
        if (i) out += ",";
        out += fmt::format("{{\"pool\":{},\"samples_seen\":{},\"observed\":{},\"predicted\":{}}}", json_string(r.pool),
                           exact_number(r.samples_seen), exact_number(r.observed), exact_number(r.predicted));
      }
      out += fmt::format("],\"mae\":{},\"rmse\":{},\"max_abs\":{}", exact_number(report.mae), exact_number(report.rmse),
                         exact_number(report.max_abs));
      if (report.max_mae) out += fmt::format(",\"max_mae\":{},\"passed\":{}", exact_number(*report.max_mae), report.passed() ? "true" : "false");
      return out + "}\n";
    }
    case Format::csv: {
      std::string out = fmt::format("pool,samples_seen,observed,predicted,residual\n");
      for (const auto& r : report.rows) {
        out += fmt::format("{},{},{},{},{}\n", csv_field(r.pool), exact_number(r.samples_seen), exact_number(r.observed),
                           exact_number(r.predicted), exact_number(r.predicted - r.observed));
      }
      return out;
    }
  }
  throw InternalError("render_validation: unknown format");
}

}  // namespace qqt
