// validation.cpp <-> validation_test.cpp: predicted vs observed per held-out run, MAE, RMSE and
// max error by hand, the --max-mae gate and the three formats.
#include "qqt/validation.hpp"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "qqt/error.hpp"
#include "test_support.hpp"

using namespace qqt;
using qqt::test::rel_diff;

namespace {

constexpr double kHandRelTol = 1e-12;

// Power law, one pool x plus y: y(n) = (a n / N0)^b + d with a = 0.25, b = -0.5, d = 0.1:
// n = 1.6e6 -> 0.6, n = 6.4e6 -> 0.35 (pool x). Pool y has b = -1: n = 1.6e6 -> 0.35.
Config power_config() {
  Config c;
  c.source = "fitted.yaml";
  c.model.params.law = LawKind::power;
  c.model.params.a = 0.25;
  c.model.params.d = 0.1;
  c.model.pools.push_back({"x", 1e6, -0.5, 1.0, std::nullopt});
  c.model.pools.push_back({"y, the \"other\"", 1e6, -1.0, 1.0, std::nullopt});
  return c;
}

const char* kHoldout =
    "pool,samples_seen,accuracy\n"
    "x,1.6M,0.5\n"
    "x,6.4M,0.6\n"
    "\"y, the \"\"other\"\"\",1.6M,0.7\n";

}  // namespace

TEST_CASE("per-row predictions and MAE, RMSE, max error by hand", "[validation]") {
  const Config c = power_config();
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  const ValidationReport r = check_predictions(c.model, o);
  CHECK(std::string(r.metric.name) == "accuracy");
  REQUIRE(r.rows.size() == 3);
  // Accuracy = 1 - error: predicted 0.4, 0.65, 0.65; observed 0.5, 0.6, 0.7.
  CHECK(rel_diff(r.rows[0].predicted, 0.4) < kHandRelTol);
  CHECK(rel_diff(r.rows[1].predicted, 0.65) < kHandRelTol);
  CHECK(rel_diff(r.rows[2].predicted, 0.65) < kHandRelTol);
  CHECK(r.rows[0].observed == 0.5);
  CHECK(r.rows[2].pool == "y, the \"other\"");
  CHECK(r.rows[2].line == 4);
  // |residuals| 0.1, 0.05, 0.05.
  CHECK(rel_diff(r.mae, 0.2 / 3) < 1e-9);
  CHECK(rel_diff(r.rmse, std::sqrt((0.01 + 0.0025 + 0.0025) / 3)) < 1e-9);
  CHECK(rel_diff(r.max_abs, 0.1) < 1e-9);
  CHECK(r.passed());
}

TEST_CASE("the --max-mae gate", "[validation]") {
  const Config c = power_config();
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  ValidationOptions opt;
  opt.max_mae = 0.07;
  CHECK(check_predictions(c.model, o, opt).passed());
  opt.max_mae = 0.06;
  CHECK_FALSE(check_predictions(c.model, o, opt).passed());
  opt.max_mae = -1;
  CHECK_THROWS_WITH(check_predictions(c.model, o, opt), "--max-mae must be a finite number >= 0, got -1");
  opt.max_mae = std::nan("");
  CHECK_THROWS_AS(validate(opt), InputError);
}

TEST_CASE("validation output: JSON with the documented keys, CSV and a table", "[validation][output]") {
  const Config c = power_config();
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  ValidationOptions opt;
  opt.max_mae = 0.06;
  const ValidationReport r = check_predictions(c.model, o, opt);

  const YAML::Node j = YAML::Load(render_validation(c, o.source, r, Format::json));
  CHECK(j["schema"].as<int>() == 1);
  CHECK(j["metric"]["name"].as<std::string>() == c.model.metric.name);
  CHECK(j["metric"]["kind"].as<std::string>() == "error-rate");
  CHECK(j["metric"]["column"].as<std::string>() == "accuracy");
  REQUIRE(j["rows"].size() == 3);
  CHECK(j["rows"][2]["pool"].as<std::string>() == "y, the \"other\"");
  CHECK(j["rows"][1]["samples_seen"].as<double>() == 6.4e6);
  CHECK(j["rows"][1]["observed"].as<double>() == 0.6);
  CHECK(j["rows"][1]["predicted"].as<double>() == r.rows[1].predicted);
  CHECK(j["mae"].as<double>() == r.mae);
  CHECK(j["rmse"].as<double>() == r.rmse);
  CHECK(j["max_abs"].as<double>() == r.max_abs);
  CHECK(j["passed"].as<bool>() == false);

  const std::string csv = render_validation(c, o.source, r, Format::csv);
  CHECK(csv.rfind("pool,samples_seen,observed,predicted,residual\nx,1600000,0.5,", 0) == 0);
  CHECK(csv.find("\n\"y, the \"\"other\"\"\",1600000,0.7,") != std::string::npos);

  const std::string table = render_validation(c, o.source, r, Format::table);
  CHECK(table.find("observations: holdout.csv (3 rows, accuracy)") != std::string::npos);
  CHECK(table.find("MAE 0.06667  RMSE 0.07071  max |error| 0.10000  (gate: MAE <= 0.06: FAIL)") != std::string::npos);
  CHECK(table.find("-0.10000") != std::string::npos);
}
