// config.cpp <-> config_test.cpp: the YAML loader accepts docs/config.md and names every violation.
#include "qqt/config.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "qqt/error.hpp"
#include "qqt/fit_record.hpp"

using namespace qqt;

namespace {

const std::string kGood = R"(law: utility
irreducible: inside
a: 0.025
d: 0.1
metric: ImageNet zero-shot error
pools:
  - name: top10
    size: 12.8M
    b: -0.16
    tau: 6.7273
    share: 0.1
  - {name: top20, size: 1.28e7, b: -0.125, tau: 8.5455}
)";

// Replaces the first occurrence of `from` in kGood.
std::string edited(const std::string& from, const std::string& to) {
  std::string s = kGood;
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
  return s;
}

std::string error_of(const std::string& text) {
  try {
    load_config_text(text, "pools.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("a valid config loads every key", "[config]") {
  const Config c = load_config_text(kGood, "pools.yaml");
  CHECK(c.source == "pools.yaml");
  CHECK(c.model.params.law == LawKind::utility);
  CHECK(c.model.params.irreducible == Irreducible::inside);
  CHECK(c.model.params.a == 0.025);
  CHECK(c.model.params.d == 0.1);
  CHECK(c.model.params.normalizer == 1e5);
  CHECK(c.model.params.tau_scaling == 1.0);
  CHECK(c.model.metric.name == "ImageNet zero-shot error");
  REQUIRE(c.model.pools.size() == 2);
  CHECK(c.model.pools[0].name == "top10");
  CHECK(c.model.pools[0].size_samples == 12.8e6);
  CHECK(c.model.pools[1].size_samples == 12.8e6);
  CHECK(c.model.pools[0].b == -0.16);
  CHECK(c.model.pools[1].tau_passes == 8.5455);
  CHECK(c.model.pools[0].share == 0.1);
  CHECK_FALSE(c.model.pools[1].share.has_value());
}

TEST_CASE("the built-in default is the reference's T-MARS ImageNet fit", "[config]") {
  const Config c = default_config();
  CHECK(c.source == "built-in:datacomp-medium-tmars-imagenet.yaml");
  CHECK(c.model.params.irreducible == Irreducible::inside);
  CHECK(c.model.params.a == 0.025);
  CHECK(c.model.params.d == 0.1);
  CHECK(c.model.params.normalizer == 1e5);
  REQUIRE(c.model.pools.size() == 4);
  const double b[] = {-0.16, -0.125, -0.10, -0.085};
  const double tau[] = {6.7273, 8.5455, 5.2727, 2.2727};
  for (int i = 0; i < 4; ++i) {
    CHECK(c.model.pools[i].size_samples == 12.8e6);
    CHECK(c.model.pools[i].share == 0.1);
    CHECK(c.model.pools[i].b == b[i]);
    CHECK(c.model.pools[i].tau_passes == tau[i]);
  }
  CHECK(c.model.pools[1].name == "top 10-20%");
}

TEST_CASE("the shipped configs load from disk", "[config]") {
  const Config e = load_config_file(std::string(QQT_SOURCE_DIR) + "/configs/datacomp-medium-tmars-imagenet-effective-data.yaml");
  CHECK(e.model.params.law == LawKind::effective_data);
  CHECK(e.model.params.a == 0.022);
  CHECK(e.model.pools[3].b == -0.09758);
  CHECK(e.model.pools[3].tau_passes == 1.4545);
}

TEST_CASE("bad configs are one-line errors with file:line:col, key path and rule", "[config][errors]") {
  // The issue's own example: a non-negative b at line 7 column 8 of pools.yaml.
  const std::string b_bad =
      "a: 0.025\nd: 0.1\npools:\n  - {name: x, size: 1M, b: -0.1, tau: 2}\n  - {name: y, size: 1M, b: -0.1, tau: 2}\n  - name: z\n    b:   "
      "0.12\n    size: 1M\n    tau: 2\n";
  CHECK(error_of(b_bad) == "pools.yaml:7:10: pools[2].b must be negative, got 0.12");
  CHECK(error_of(edited("b: -0.16", "b: 0")) == "pools.yaml:9:8: pools[0].b must be negative, got 0");
  CHECK(error_of(edited("tau: 6.7273", "tau: -1")) == "pools.yaml:10:10: pools[0].tau must be positive, got -1");
  CHECK(error_of(edited("tau: 6.7273", "tau: 0")) == "pools.yaml:10:10: pools[0].tau must be positive, got 0");
  CHECK(error_of(edited("size: 12.8M", "size: 0")) == "pools.yaml:8:11: pools[0].size: '0' must be greater than 0");
  CHECK(error_of(edited("size: 12.8M", "size: 12.8Q")).rfind("pools.yaml:8:11: pools[0].size: '12.8Q' is not a sample count", 0) == 0);
  CHECK(error_of(edited("a: 0.025", "a: .nan")) == "pools.yaml:3:4: a must be a finite number, got .nan");
  CHECK(error_of(edited("d: 0.1", "d: .inf")) == "pools.yaml:4:4: d must be a finite number, got .inf");
  CHECK(error_of(edited("a: 0.025", "a: 1e999")) == "pools.yaml:3:4: a must be a finite number, got 1e999");
  CHECK(error_of(edited("a: 0.025", "a: fast")) == "pools.yaml:3:4: a must be a number, got 'fast'");
  CHECK(error_of(edited("a: 0.025", "a: [1, 2]")) == "pools.yaml:3:4: a must be a number, got a list");
  CHECK(error_of(edited("a: 0.025", "a: -1")) == "pools.yaml:3:4: a must be positive, got -1");
  CHECK(error_of(edited("d: 0.1", "d: -0.1")) == "pools.yaml:4:4: d must be zero or positive, got -0.1");
  CHECK(error_of(edited("share: 0.1", "share: 1.5")) == "pools.yaml:11:12: pools[0].share must be in (0, 1], got 1.5");
  CHECK(error_of(edited("irreducible: inside", "irreducible: insde")) ==
        "pools.yaml:2:14: irreducible must be one of outside, inside, got 'insde' (did you mean 'inside'?)");
  CHECK(error_of(edited("law: utility", "law: utilty")) ==
        "pools.yaml:1:6: law must be one of utility, effective-data, power, got 'utilty' (did you mean 'utility'?)");
}

TEST_CASE("unknown, missing, duplicate and misplaced keys", "[config][errors]") {
  CHECK(error_of(edited("metric:", "metrik:")) == "pools.yaml:5:1: metrik is not a known key (did you mean 'metric'?)");
  CHECK(error_of(edited("tau: 6.7273", "tua: 6.7273")) == "pools.yaml:10:5: pools[0].tua is not a known key (did you mean 'tau'?)");
  CHECK(error_of(edited("metric:", "zzzzzz:")).find("is not a known key (known: law, irreducible") != std::string::npos);
  CHECK(error_of(edited("a: 0.025\n", "")) == "pools.yaml:1:1: a is missing");
  CHECK(error_of(edited("    b: -0.16\n", "")) == "pools.yaml:7:5: pools[0].b is missing");
  CHECK(error_of(edited("d: 0.1\n", "d: 0.1\nd: 0.2\n")) == "pools.yaml:5:1: d is given twice");
  CHECK(error_of(edited("name: top20", "name: top10")) == "pools.yaml:12:12: pools[1].name 'top10' repeats the name of pools[0]");
  CHECK(error_of(edited("name: top20", "name: ''")) == "pools.yaml:12:12: pools[1].name must not be empty");
  CHECK(error_of("a: 0.025\nd: 0.1\npools: []\n") == "pools.yaml:3:8: pools must list at least one pool");
  CHECK(error_of("a: 0.025\nd: 0.1\n") == "pools.yaml:1:1: pools is missing; list the quality buckets, best first (docs/config.md)");
  CHECK(error_of("a: 0.025\nd: 0.1\npools: 3\n") == "pools.yaml:3:8: pools must be a list of pools");
  CHECK(error_of("a: 0.025\nd: 0.1\npools: [3]\n").rfind("pools.yaml:3:9: pools[0] must be a map", 0) == 0);
  CHECK(error_of("") == "pools.yaml: the config is empty; expected a map with keys a, d and pools (docs/config.md)");
  CHECK(error_of("- 1\n- 2\n").rfind("pools.yaml:1:1: the config must be a map", 0) == 0);
  CHECK(error_of("a: [1, 2\n").rfind("pools.yaml:", 0) == 0);
  CHECK(error_of("a: [1, 2\n").find("YAML syntax error") != std::string::npos);
}

TEST_CASE("missing parameters are allowed when fitting", "[config]") {
  ConfigOptions options;
  options.allow_missing_parameters = true;
  const Config c = load_config_text("pools:\n  - {name: x, size: 1M}\n", "start.yaml", options);
  CHECK(std::isnan(c.model.params.a));
  CHECK(std::isnan(c.model.pools[0].b));
  CHECK(c.model.pools[0].size_samples == 1e6);
}

TEST_CASE("config files: unreadable paths are input errors", "[config][errors]") {
  CHECK_THROWS_WITH(load_config_file("/nonexistent/pools.yaml"), Catch::StartsWith("/nonexistent/pools.yaml: cannot open the config file"));
  CHECK_THROWS_WITH(load_config_file("/tmp"), "/tmp: is a directory, not a config file");
}

namespace {

const std::string kFit = R"(fit:
  observations: runs.csv
  rows: 20
  loss: huber:0.01
  fixed: [d]
  shared: [b, tau]
  seed: 3
  objective_start: 0.5
  objective: 1e-5
  rmse: 0.001
  mae: 0.0008
  max_abs: 0.002
  evaluations: 100
  local_runs: 2
  stopped: polish
  at_bound: ["d at lower bound 0"]
  bootstrap:
    fits: 2
    seed: 3
    level: 0.9
    at_bound: 1
    intervals:
      a: [0.02, 0.03]
      d: [0.1, 0.1]
      b: [[-0.2, -0.1], [-0.15, -0.1]]
      tau: [[5, 8], [7, 9]]
    sets:
      - {a: 0.025, d: 0.1, b: [-0.16, -0.125], tau: [6.7, 8.5]}
      - {a: 0.026, d: 0.1, b: [-0.15, -0.12], tau: [6.5, 8.4]}
)";

// kGood (12 lines) followed by kFit with `from` replaced by `to`: kFit's line k is line 12 + k.
std::string with_fit(const std::string& from = "", const std::string& to = "") {
  std::string fit = kFit;
  if (!from.empty()) {
    const auto pos = fit.find(from);
    REQUIRE(pos != std::string::npos);
    fit.replace(pos, from.size(), to);
  }
  return kGood + fit;
}

}  // namespace

TEST_CASE("the fit block of a fitted config is read and checked", "[config][fit]") {
  const Config c = load_config_text(with_fit(), "pools.yaml");
  REQUIRE(c.fit.has_value());
  const FitRecord& f = *c.fit;
  CHECK(f.observations == "runs.csv");
  CHECK(f.rows == 20);
  CHECK(f.loss == "huber:0.01");
  CHECK(f.fixed == std::vector<std::string>{"d"});
  CHECK(f.shared == std::vector<std::string>{"b", "tau"});
  CHECK(f.seed == 3);
  CHECK(f.objective_start == 0.5);
  CHECK(f.objective == 1e-5);
  CHECK(f.mae == 0.0008);
  CHECK(f.evaluations == 100);
  CHECK(f.local_runs == 2);
  CHECK(f.stopped == "polish");
  CHECK(f.at_bound == std::vector<std::string>{"d at lower bound 0"});
  REQUIRE(f.bootstrap.has_value());
  const BootstrapRecord& b = *f.bootstrap;
  CHECK(b.level == 0.9);
  CHECK(b.at_bound == 1);
  CHECK(b.a.lo == 0.02);
  CHECK(b.tau[1].hi == 9);
  REQUIRE(b.sets.size() == 2);
  CHECK(b.sets[1].a == 0.026);
  CHECK(b.sets[1].tau == std::vector<double>{6.5, 8.4});
  CHECK_FALSE(load_config_text(kGood, "pools.yaml").fit.has_value());
}

TEST_CASE("bad fit blocks are one-line errors with file:line:col", "[config][fit][errors]") {
  CHECK(error_of(kGood + "fit: 3\n") == "pools.yaml:13:6: fit must be a map (the fit block written by qqt fit)");
  CHECK(error_of(with_fit("observations:", "obsevations:")) ==
        "pools.yaml:14:3: fit.obsevations is not a known key (did you mean 'observations'?)");
  CHECK(error_of(with_fit("rows: 20", "rows: 2.5")) == "pools.yaml:15:9: fit.rows must be a whole number >= 1, got 2.5");
  CHECK(error_of(with_fit("rows: 20", "rows: 0")) == "pools.yaml:15:9: fit.rows must be a whole number >= 1, got 0");
  CHECK(error_of(with_fit("loss: huber:0.01", "loss: huber:-1")) ==
        "pools.yaml:16:9: fit.loss must be squared or huber:DELTA with DELTA > 0, got 'huber:-1'");
  CHECK(error_of(with_fit("fixed: [d]", "fixed: [q]")).rfind("pools.yaml:17:11: fit.fixed[0] must be one of a, d, b, tau, got 'q'", 0) ==
        0);
  CHECK(error_of(with_fit("shared: [b, tau]", "shared: [b, b]")) == "pools.yaml:18:15: fit.shared[1] repeats 'b'");
  CHECK(error_of(with_fit("objective: 1e-5", "objective: -1")) == "pools.yaml:21:14: fit.objective must be zero or positive, got -1");
  CHECK(error_of(with_fit("at_bound: [\"d at lower bound 0\"]", "at_bound: 7")) ==
        "pools.yaml:28:13: fit.at_bound must be a list of strings");
  CHECK(error_of(with_fit("at_bound: 1", "at_bound: 3")) == "pools.yaml:33:15: fit.bootstrap.at_bound must not exceed fits (2), got 3");
  CHECK(error_of(with_fit("fits: 2", "fits: 3")) == "pools.yaml:30:11: fit.bootstrap.fits must equal the number of sets (2), got 3");
  CHECK(error_of(with_fit("level: 0.9", "level: 1")) == "pools.yaml:32:12: fit.bootstrap.level must be below 1, got 1");
  CHECK(error_of(with_fit("a: [0.02, 0.03]", "a: [0.03, 0.02]")) ==
        "pools.yaml:35:10: fit.bootstrap.intervals.a must have lo <= hi, got [0.03, 0.02]");
  CHECK(error_of(with_fit("tau: [[5, 8], [7, 9]]", "tau: [[5, 8]]")) ==
        "pools.yaml:38:12: fit.bootstrap.intervals.tau must list 2 intervals (one per pool), got 1");
  CHECK(error_of(with_fit("b: [-0.16, -0.125]", "b: [0.16, -0.125]")) ==
        "pools.yaml:40:32: fit.bootstrap.sets[0].b[0] must be negative, got 0.16");
  CHECK(error_of(with_fit("tau: [6.5, 8.4]", "tau: [6.5]")) ==
        "pools.yaml:41:52: fit.bootstrap.sets[1].tau must list 2 numbers (one per pool), got 1");
  CHECK(error_of(with_fit("{a: 0.026, d: 0.1,", "{d: 0.1,")) == "pools.yaml:41:9: fit.bootstrap.sets[1].a is missing");
  CHECK(error_of(with_fit("    sets:\n      - {a: 0.025, d: 0.1, b: [-0.16, -0.125], tau: [6.7, 8.5]}\n      - {a: 0.026, d: 0.1, b: "
                          "[-0.15, -0.12], tau: [6.5, 8.4]}\n",
                          "")) == "pools.yaml:30:5: fit.bootstrap.sets is missing; it lists the bootstrap parameter sets");
}

TEST_CASE("metric: a label is an error rate; a map gives name and kind", "[config][metric]") {
  const Config label = load_config_text(kGood, "pools.yaml");
  CHECK(label.model.metric.kind == MetricKind::error_rate);
  const Config loss =
      load_config_text(edited("metric: ImageNet zero-shot error", "metric: {name: \"C4 validation loss\", kind: loss}"), "pools.yaml");
  CHECK(loss.model.metric.name == "C4 validation loss");
  CHECK(loss.model.metric.kind == MetricKind::loss);
  const Config unnamed = load_config_text(edited("metric: ImageNet zero-shot error", "metric: {kind: loss}"), "pools.yaml");
  CHECK(unnamed.model.metric.name == "loss");
  const Config rate =
      load_config_text(edited("metric: ImageNet zero-shot error", "metric: {name: top-1 error, kind: error-rate}"), "pools.yaml");
  CHECK(rate.model.metric.kind == MetricKind::error_rate);
  CHECK(rate.model.metric.name == "top-1 error");
}

TEST_CASE("bad metrics are one-line errors with file:line:col and did you mean", "[config][metric][errors]") {
  CHECK(error_of(edited("metric: ImageNet zero-shot error", "metric: {name: x, kind: los}")) ==
        "pools.yaml:5:25: metric.kind must be one of error-rate, loss, got 'los' (did you mean 'loss'?)");
  CHECK(error_of(edited("metric: ImageNet zero-shot error", "metric: {name: x, kind: perplexity}")) ==
        "pools.yaml:5:25: metric.kind must be one of error-rate, loss, got 'perplexity'");
  CHECK(error_of(edited("metric: ImageNet zero-shot error", "metric: {nmae: x, kind: loss}")) ==
        "pools.yaml:5:10: metric.nmae is not a known key (did you mean 'name'?)");
  CHECK(error_of(edited("metric: ImageNet zero-shot error", "metric: [loss]")) ==
        "pools.yaml:5:9: metric must be a label or a map {name: LABEL, kind: KIND}");
  CHECK(error_of(edited("metric: ImageNet zero-shot error", "metric: ''")) == "pools.yaml:5:9: metric must not be an empty label");
  CHECK(error_of(edited("metric: ImageNet zero-shot error", "metric: {name: [a], kind: loss}")) ==
        "pools.yaml:5:16: metric.name must be a string, got a list");
}

TEST_CASE("model_params: an optional model size in parameters", "[config]") {
  CHECK_FALSE(load_config_text(kGood, "pools.yaml").model_params.has_value());
  const Config c = load_config_text(edited("metric:", "model_params: 1.1B\nmetric:"), "pools.yaml");
  CHECK(c.model_params == 1.1e9);
  CHECK(error_of(edited("metric:", "model_params: 0\nmetric:")) == "pools.yaml:5:15: model_params: '0' must be greater than 0");
  CHECK(error_of(edited("metric:", "model_params: big\nmetric:")).rfind("pools.yaml:5:15: model_params: 'big' is not", 0) == 0);
}

TEST_CASE("built-in configs are listed and selected by name", "[config]") {
  const auto all = builtin_configs();
  REQUIRE(all.size() >= 2);
  CHECK(all.front().is_default);
  CHECK(all.front().file_name == default_config_name());
  CHECK(all.front().description.rfind("qqt's built-in default", 0) == 0);
  for (const auto& b : all) {
    const Config c = load_config_file(std::string(kBuiltinPrefix) + b.name);
    CHECK(c.source == "built-in:" + std::string(b.file_name));
    CHECK(builtin_config(b.file_name).source == c.source);
  }
  CHECK(load_config_file("builtin:datacomp-medium-tmars-imagenet-effective-data").model.params.law == LawKind::effective_data);
  CHECK_THROWS_WITH(load_config_file("builtin:datacomp-medium-tmars-imagenet-efective-data"),
                    "--config builtin:datacomp-medium-tmars-imagenet-efective-data: no such built-in config "
                    "(did you mean 'datacomp-medium-tmars-imagenet-effective-data'?; `qqt configs` lists them)");
  CHECK_THROWS_WITH(load_config_file("builtin:zzz"),
                    Catch::StartsWith("--config builtin:zzz: no such built-in config (built-in: datacomp"));
}
