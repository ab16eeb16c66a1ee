// metric.cpp <-> metric_test.cpp: the table of metric kinds, checked against docs/config.md's rules.
#include "qqt/metric.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "qqt/error.hpp"

using namespace qqt;

TEST_CASE("every kind has exactly one row, in enum order, with a unique YAML name", "[metric]") {
  const auto& kinds = metric_kinds();
  REQUIRE(kinds.size() == 2);
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    CHECK(static_cast<std::size_t>(kinds[i].kind) == i);
    CHECK(&info(kinds[i].kind) == &kinds[i]);
    CHECK(find_metric_kind(kinds[i].name) == kinds[i].kind);
    CHECK_FALSE(kinds[i].columns.empty());
  }
  CHECK(metric_kind_names() == std::vector<std::string>{"error-rate", "loss"});
  CHECK(std::string(to_string(MetricKind::loss)) == "loss");
  CHECK_FALSE(find_metric_kind("Loss").has_value());  // spellings are exact
  CHECK_FALSE(find_metric_kind("error").has_value());
}

TEST_CASE("a metric label alone is an error rate named 'error' by default", "[metric]") {
  const Metric m;
  CHECK(m.name == "error");
  CHECK(m.kind == MetricKind::error_rate);
  CHECK(std::string(info(MetricKind::loss).default_name) == "loss");
}

TEST_CASE("valid values: rates from 0 to 1, losses positive and finite", "[metric]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(in_range(MetricKind::error_rate, 0.0));
  CHECK(in_range(MetricKind::error_rate, 1.0));
  CHECK_FALSE(in_range(MetricKind::error_rate, 1.0000001));
  CHECK_FALSE(in_range(MetricKind::error_rate, -1e-300));
  CHECK_FALSE(in_range(MetricKind::error_rate, nan));
  CHECK(in_range(MetricKind::loss, 2.6));
  CHECK(in_range(MetricKind::loss, 1e-300));
  CHECK(in_range(MetricKind::loss, 1e300));
  CHECK_FALSE(in_range(MetricKind::loss, 0.0));  // a loss the law can reach must exceed d >= 0
  CHECK_FALSE(in_range(MetricKind::loss, -0.5));
  CHECK_FALSE(in_range(MetricKind::loss, inf));
  CHECK_FALSE(in_range(MetricKind::loss, nan));
  CHECK(std::string(info(MetricKind::error_rate).range_rule) == "must be in [0, 1] (a rate, not a percentage)");
}

TEST_CASE("accuracy is shown for rates only", "[metric]") {
  CHECK(accuracy_of(MetricKind::error_rate, 0.25) == 0.75);
  CHECK_FALSE(accuracy_of(MetricKind::loss, 0.25).has_value());
  CHECK(info(MetricKind::error_rate).warns_at_or_above_one);
  CHECK_FALSE(info(MetricKind::loss).warns_at_or_above_one);
}

TEST_CASE("observation columns name their kind; accuracy is the complement", "[metric]") {
  const auto error = find_metric_column("error");
  const auto accuracy = find_metric_column("accuracy");
  const auto loss = find_metric_column("loss");
  REQUIRE(error);
  REQUIRE(accuracy);
  REQUIRE(loss);
  CHECK(error->kind == MetricKind::error_rate);
  CHECK(accuracy->kind == MetricKind::error_rate);
  CHECK(loss->kind == MetricKind::loss);
  CHECK(y_of(accuracy->column, 0.7) == 1.0 - 0.7);
  CHECK(y_of(error->column, 0.3) == 0.3);
  CHECK(y_of(loss->column, 2.5) == 2.5);
  CHECK(value_of(accuracy->column, 0.25) == 0.75);
  CHECK_FALSE(find_metric_column("samples_seen").has_value());
  CHECK_FALSE(find_metric_column("Loss").has_value());
  CHECK(metric_column_names() == std::vector<std::string>{"error", "accuracy", "loss"});
  CHECK(accepted_columns(MetricKind::error_rate) == "error or accuracy");
  CHECK(accepted_columns(MetricKind::loss) == "loss");
}

TEST_CASE("fit bounds of d: 0 to 1 for rates, 0 to below the smallest observation for losses", "[metric]") {
  const DRange rate = d_range(MetricKind::error_rate, 0.3);
  CHECK(rate.lo == 0.0);
  CHECK(rate.hi == 1.0);
  const DRange loss = d_range(MetricKind::loss, 2.5);
  CHECK(loss.lo == 0.0);
  CHECK(loss.hi < 2.5);
  CHECK(loss.hi == std::nextafter(2.5, 0.0));  // the largest double below: d < 2.5 and nothing lower is excluded
  CHECK_THROWS_AS(d_range(MetricKind::loss, 0.0), InternalError);
}
