// Rendering results as aligned tables, JSON (docs/output.md, "schema": 2) and CSV (files are
// written by qqt/io.hpp). Numbers in JSON and CSV are the shortest text that round-trips exactly
// (fmt's "{}"), so output is byte-identical for the same input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qqt/config.hpp"
#include "qqt/plan.hpp"

namespace qqt {

enum class Format { table, json, csv, markdown };

/// "table" | "json" | "csv" | "markdown" (or "md"); throws InputError naming `what` otherwise.
/// Markdown is the table report as Markdown (plan only; other commands reject it).
Format parse_format(std::string_view text, std::string_view what);

struct RenderOptions {
  bool color = false;  ///< ANSI colour in tables (the app enables it only on a TTY without NO_COLOR)
};

/// What other modules add to a rendered plan (e.g. the bootstrap frequencies of a fitted config).
struct PlanExtras {
  /// One entry per budget (plan order) or empty: JSON members appended to that budget's object,
  /// e.g. "\"bootstrap\":{...}". Empty strings add nothing.
  std::vector<std::string> budget_json;
  /// Appended to the table output (and to Markdown, rendered as Markdown by the caller).
  std::string table;
  /// Appended to the CSV output: empty, or a second table after one empty line, with its own header.
  std::string csv;
};

std::string render_plan(const Config& config, const PlanResult& plan, Format format, const RenderOptions& options = {},
                        const PlanExtras& extras = {});
/// The plan CSV in pieces, so that long sweeps stream (search_plan_chunks): the header line once,
/// then the rows of each consecutive piece of the budgets. render_plan(..., Format::csv) is the two joined.
std::string plan_csv_header(const Config& config);
/// `config` gives the metric kind: no accuracy column for a loss (metric.hpp).
std::string plan_csv_rows(const Config& config, const PlanResult& plan);
std::string render_predictions(const Config& config, const Mixture& mixture, const std::vector<Prediction>& predictions, Format format,
                               const RenderOptions& options = {});

/// The shortest decimal text that parses back to exactly `x` (fmt "{}"). Throws InternalError
/// for NaN or inf, which must never reach the output.
std::string exact_number(double x);

/// JSON string literal with quotes and escapes.
std::string json_string(std::string_view s);

/// A CSV field, quoted per RFC 4180 when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

}  // namespace qqt
