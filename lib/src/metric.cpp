#include "qqt/metric.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "qqt/error.hpp"

namespace qqt {

const std::vector<MetricKindInfo>& metric_kinds() {
  // THE table. A new kind: add its enum value in metric.hpp and one row here (in enum order), then
  // document it in docs/config.md. Commands read these fields; none switches on the enum.
  static const std::vector<MetricKindInfo> kKinds = {
      {
          MetricKind::error_rate,
          "error-rate",
          "error",
          "error",
          0.0,
          true,
          1.0,
          "must be in [0, 1] (a rate, not a percentage)",
          true,
          {{"error", false}, {"accuracy", true}},
          DUpperBound::max_value,
          true,
      },
      {
          MetricKind::loss,
          "loss",
          "loss",
          "loss",
          0.0,
          false,
          std::numeric_limits<double>::infinity(),
          "must be positive (a loss; lower is better)",
          false,
          {{"loss", false}},
          DUpperBound::below_smallest_observation,
          false,
      },
  };
  return kKinds;
}

const MetricKindInfo& info(MetricKind kind) {
  const auto& kinds = metric_kinds();
  const auto index = static_cast<std::size_t>(kind);
  if (index >= kinds.size() || kinds[index].kind != kind) {
    throw InternalError(fmt::format("metric kind {} has no row (or a misplaced row) in metric_kinds()", index));
  }
  return kinds[index];
}

const char* to_string(MetricKind kind) { return info(kind).name; }

std::vector<std::string> metric_kind_names() {
  std::vector<std::string> out;
  for (const auto& k : metric_kinds()) out.emplace_back(k.name);
  return out;
}

std::optional<MetricKind> find_metric_kind(std::string_view name) {
  for (const auto& k : metric_kinds()) {
    if (name == k.name) return k.kind;
  }
  return std::nullopt;
}

bool in_range(MetricKind kind, double y) {
  const MetricKindInfo& k = info(kind);
  if (!std::isfinite(y)) return false;
  if (k.min_inclusive ? y < k.min_value : y <= k.min_value) return false;
  return y <= k.max_value;
}

std::optional<ColumnMatch> find_metric_column(std::string_view header) {
  for (const auto& k : metric_kinds()) {
    for (const auto& c : k.columns) {
      if (header == c.name) return ColumnMatch{k.kind, c};
    }
  }
  return std::nullopt;
}

std::vector<std::string> metric_column_names() {
  std::vector<std::string> out;
  for (const auto& k : metric_kinds()) {
    for (const auto& c : k.columns) out.emplace_back(c.name);
  }
  return out;
}

std::string accepted_columns(MetricKind kind) {
  std::vector<std::string> names;
  for (const auto& c : info(kind).columns) names.emplace_back(c.name);
  return fmt::format("{}", fmt::join(names, " or "));
}

double y_of(const MetricColumn& column, double value) { return column.complement ? 1.0 - value : value; }

double value_of(const MetricColumn& column, double y) { return column.complement ? 1.0 - y : y; }

std::optional<double> accuracy_of(MetricKind kind, double y) {
  if (!info(kind).shows_accuracy) return std::nullopt;
  return 1.0 - y;
}

DRange d_range(MetricKind kind, double smallest_observation) {
  const MetricKindInfo& k = info(kind);
  switch (k.d_upper) {
    case DUpperBound::max_value: return {0.0, k.max_value};
    case DUpperBound::below_smallest_observation:
      // y(n) = R(n) + d with R > 0, so d < every observation; the bound is the largest double below.
      if (!(smallest_observation > 0) || !std::isfinite(smallest_observation)) {
        throw InternalError(fmt::format("d_range: smallest observation must be finite and > 0, got {}", smallest_observation));
      }
      return {0.0, std::nextafter(smallest_observation, 0.0)};
  }
  throw InternalError("d_range: unknown bound rule");
}

}  // namespace qqt
