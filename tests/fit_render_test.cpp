// fit_render.cpp <-> fit_render_test.cpp: the validation report in its formats, the decision
// uncertainty that a bootstrap adds to plan (JSON members, table, CSV section), prediction
// intervals and the cross-validation report.
#include "qqt/fit_render.hpp"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "qqt/error.hpp"
#include "qqt/plan.hpp"

using namespace qqt;

namespace {

// Power law, one pool x plus y: y(n) = (a n / N0)^b + d with a = 0.25, b = -0.5, d = 0.1.
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

TEST_CASE("validation output: JSON with the documented keys, CSV and a table", "[fit_render]") {
  const Config c = power_config();
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  ValidationOptions opt;
  opt.max_mae = 0.06;
  const ValidationReport r = check_predictions(c.model, o, opt);

  const YAML::Node j = YAML::Load(render_validation(c, o.source, r, Format::json));
  CHECK(j["schema"].as<int>() == 2);
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

TEST_CASE("validation output carries the decisions in every format", "[fit_render]") {
  const Config c = power_config();
  const Observations o = parse_observations(kHoldout, "holdout.csv", c.model);
  ValidationOptions opt;
  opt.min_decision_accuracy = 0.9;
  const ValidationReport r = check_predictions(c.model, o, opt);
  const YAML::Node j = YAML::Load(render_validation(c, o.source, r, Format::json));
  REQUIRE(j["decisions"].size() == 1);
  CHECK(j["decisions"][0]["budget"].as<double>() == 1.6e6);
  CHECK(j["decisions"][0]["pairs"].as<int>() == 1);
  CHECK(j["decisions"][0]["decision_accuracy"].as<double>() == 1.0);
  CHECK(j["decisions"][0]["chosen"].as<std::string>() == "y, the \"other\"");
  CHECK(j["decisions"][0]["regret"].as<double>() == 0.0);
  CHECK(j["decision_accuracy"].as<double>() == 1.0);
  CHECK(j["min_decision_accuracy"].as<double>() == 0.9);
  CHECK(j["passed"].as<bool>() == true);
  const std::string csv = render_validation(c, o.source, r, Format::csv);
  CHECK(csv.find("\n\nbudget,strategies,spearman,pairs,correct_pairs,decision_accuracy,chosen,best,regret\n1600000,2,1,1,1,1,") !=
        std::string::npos);
  const std::string table = render_validation(c, o.source, r, Format::table);
  CHECK(table.find("decision accuracy 1.000  mean regret 0.00000  (gate: decision accuracy >= 0.9: pass)") != std::string::npos);
}

TEST_CASE("decision uncertainty in plan JSON, table and CSV", "[fit_render]") {
  const Config c = default_config();
  BootstrapRecord record;
  const ParameterSet base = parameters_of(c.model);
  ParameterSet flat = base;
  for (std::size_t i = 1; i < 4; ++i) flat.b[i] = -0.001;
  record.sets = {base, base, base, flat};
  PlanOptions po;
  po.budgets_samples = {32e6, 640e6};
  const PlanResult p = plan(c.model, topk_strategies(c.model), po);
  const auto d = decision_uncertainty(c.model, p, record);
  const PlanExtras extras = decision_extras(d, false);
  REQUIRE(extras.budget_json.size() == 2);
  const YAML::Node j = YAML::Load(render_plan(c, p, Format::json, {}, extras));
  const YAML::Node u = j["budgets"][1]["uncertainty"];
  REQUIRE(u);
  CHECK(u["fits"].as<int>() == 4);
  CHECK(u["level"].as<double>() == 0.9);
  CHECK(u["recommended"].as<std::string>() == "top-2");
  REQUIRE(u["compared"].size() == 4);
  CHECK(u["compared"][1]["strategy"].as<std::string>() == "top-2");
  CHECK(u["compared"][1]["family"].as<std::string>() == "topk");
  CHECK(u["compared"][1]["p_best"].as<double>() == 0.75);
  CHECK(u["compared"][1]["error_interval"][0].as<double>() == d[1].compared[1].error_interval.lo);
  CHECK(u["expected_regret"].as<double>() == d[1].compared[1].regret_mean);
  CHECK(u["near_optimal"].size() == 2);
  CHECK(u["settled"].as<bool>() == false);
  const std::string table = render_plan(c, p, Format::table, {}, extras);
  CHECK(table.find("decision uncertainty across 4 bootstrap fits") != std::string::npos);
  CHECK(table.find("top-2*") != std::string::npos);
  CHECK(table.find("640M: not settled by the data; near-optimal: top-1, top-2") != std::string::npos);
  const std::string csv = render_plan(c, p, Format::csv, {}, extras);
  const auto section = csv.find(
      "\n\nbudget,strategy,family,error,error_lo,error_hi,accuracy_lo,accuracy_hi,p_best,regret_mean,regret_lo,regret_hi,"
      "near_optimal,recommended,settled,fits,level\n");
  REQUIRE(section != std::string::npos);
  CHECK(csv.find("\n640000000,top-2,topk,", section) != std::string::npos);
  CHECK(render_plan(c, p, Format::csv) + extras.csv == csv);
  // Markdown: the unsettled budgets as a list.
  CHECK(decision_extras(d, true).table.find("- 640M: not settled by the data") != std::string::npos);
}

TEST_CASE("prediction intervals in three formats", "[fit_render]") {
  BootstrapRecord record;
  record.sets.resize(3);
  const std::vector<Interval> iv = {{0.25, 0.5}};
  CHECK(render_prediction_intervals({1e6}, iv, record, Format::json) == "\"intervals\":{\"fits\":3,\"level\":0.9,\"error\":[[0.25,0.5]]}");
  CHECK(render_prediction_intervals({1e6}, iv, record, Format::csv) ==
        "\nbudget,error_lo,error_hi,accuracy_lo,accuracy_hi,fits,level\n1000000,0.25,0.5,0.5,0.75,3,0.9\n");
  const std::string t = render_prediction_intervals({1e6}, iv, record, Format::table);
  CHECK(t.find("90% intervals across 3 bootstrap fits") != std::string::npos);
  CHECK(t.find("[0.250000, 0.500000]  [50.00, 75.00]") != std::string::npos);
}

TEST_CASE("the cross-validation report names skipped folds", "[fit_render]") {
  CrossValidation cv;
  cv.folds.push_back({"1M", 4, 2, "", 0.005, 1.0, 0.0, 1, 1.0});
  cv.folds.push_back({"2M", 4, 2, "pool 'x' has no runs", 0, std::nullopt, std::nullopt, 0, 0});
  cv.folds_fitted = 1;
  cv.mae = 0.005;
  cv.decision_accuracy = 1.0;
  const std::string s = render_cross_validation(cv, info(MetricKind::error_rate).columns.front());
  CHECK(s.find("refit leaving out each budget in turn") != std::string::npos);
  CHECK(s.find("2M: pool 'x' has no runs") != std::string::npos);
  CHECK(s.find("held-out MAE 0.00500 over 1 of 2 folds; decision accuracy 1.000") != std::string::npos);
}
