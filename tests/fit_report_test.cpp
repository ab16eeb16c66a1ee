// fit_report.cpp <-> fit_report_test.cpp: the fitted config is a valid config that reads back
// exactly (parameters and fit block), and the summary says what the fit did.
#include "qqt/fit_report.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <string>

#include "qqt/bootstrap.hpp"
#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "synthetic.hpp"

using namespace qqt;
using qqt::test::runs_per_pool;
using qqt::test::without_parameters;

namespace {

struct Fitted {
  Config base;
  Observations runs;
  FitOptions options;
  FitResult result;
};

Fitted fitted(double noise) {
  Fitted f;
  f.base = default_config();
  f.base.source = "pools.yaml";
  f.runs = runs_per_pool(f.base.model, {1, 2, 4, 8}, noise, 3);
  f.runs.source = "runs, \"quoted\".csv";
  f.options.fixed = {{"d", 0.1}};
  f.options.loss = parse_loss("huber:0.5", "--loss");
  f.result = fit(without_parameters(f.base.model), f.runs, f.options);
  return f;
}

void check_same_model(const Model& got, const Model& want) {
  CHECK(got.params.law == want.params.law);
  CHECK(got.params.irreducible == want.params.irreducible);
  CHECK(got.params.a == want.params.a);
  CHECK(got.params.d == want.params.d);
  CHECK(got.params.normalizer == want.params.normalizer);
  CHECK(got.params.tau_scaling == want.params.tau_scaling);
  CHECK(got.metric.name == want.metric.name);
  CHECK(got.metric.kind == want.metric.kind);
  REQUIRE(got.pools.size() == want.pools.size());
  for (std::size_t i = 0; i < want.pools.size(); ++i) {
    CHECK(got.pools[i].name == want.pools[i].name);
    CHECK(got.pools[i].size_samples == want.pools[i].size_samples);
    CHECK(got.pools[i].b == want.pools[i].b);
    CHECK(got.pools[i].tau_passes == want.pools[i].tau_passes);
    CHECK(got.pools[i].share == want.pools[i].share);
  }
}

}  // namespace

TEST_CASE("a fitted config reads back exactly, fit block included", "[fit_report]") {
  const Fitted f = fitted(0.01);
  const FitRecord record = make_fit_record(f.result, f.runs, f.options);
  CHECK(record.loss == "huber:0.5");
  CHECK(record.fixed == std::vector<std::string>{"d"});
  CHECK(record.rows == 16);
  // Each pool alone at 1, 2, 4 and 8 passes over its own data: the most is 8.
  REQUIRE(record.max_pool_passes);
  CHECK(*record.max_pool_passes == Approx(8.0).epsilon(1e-12));
  const std::string yaml = render_fitted_config(f.base, f.result, record);
  const Config back = load_config_text(yaml, "fitted.yaml");  // strict: every parameter present
  check_same_model(back.model, f.result.model);
  REQUIRE(back.fit.has_value());
  const FitRecord& r = *back.fit;
  CHECK(r.observations == "runs, \"quoted\".csv");
  CHECK(r.rows == 16);
  CHECK(r.loss == "huber:0.5");
  CHECK(r.fixed == std::vector<std::string>{"d"});
  CHECK(r.shared.empty());
  CHECK(r.seed == 1);
  CHECK(r.objective == f.result.summary.objective);
  CHECK(r.objective_start == f.result.summary.objective_start);
  CHECK(r.rmse == f.result.summary.rmse);
  CHECK(r.mae == f.result.summary.mae);
  CHECK(r.max_abs == f.result.summary.max_abs);
  CHECK(r.max_pool_passes == record.max_pool_passes);
  CHECK(r.evaluations == f.result.summary.evaluations);
  CHECK(r.local_runs == f.result.summary.local_runs);
  CHECK(r.stopped == f.result.summary.stopped);
  CHECK(r.at_bound == f.result.summary.at_bound);
  CHECK(r.undetermined == f.result.summary.identifiability.undetermined);
  CHECK(r.warnings == f.result.summary.warnings);
  CHECK_FALSE(r.bootstrap.has_value());
}

TEST_CASE("undetermined parameters and warnings are named in the fit block and the summary", "[fit_report]") {
  Fitted f = fitted(0.01);
  f.result.summary.identifiability = {std::numeric_limits<double>::infinity(), 8, {"b[x], b[y] are determined only in combination"}};
  f.result.summary.warnings = {"the runs do not determine the parameters b[x], b[y] separately"};
  BootstrapResult nothing;
  nothing.uninformative = "the bootstrap says nothing here";
  const FitRecord record = make_fit_record(f.result, f.runs, f.options, &nothing);
  CHECK_FALSE(record.bootstrap);
  CHECK(record.warnings ==
        std::vector<std::string>{"the runs do not determine the parameters b[x], b[y] separately", "the bootstrap says nothing here"});
  const std::string yaml = render_fitted_config(f.base, f.result, record);
  CHECK(yaml.find("  undetermined: [\"b[x], b[y] are determined only in combination\"]\n") != std::string::npos);
  const Config back = load_config_text(yaml, "fitted.yaml");
  CHECK(back.fit->undetermined == record.undetermined);
  CHECK(back.fit->warnings == record.warnings);
  const std::string s = render_fit_summary(f.result, record);
  CHECK(s.find("identifiability: condition number inf, rank 8 of 9; not determined: b[x], b[y] are determined only in combination\n") !=
        std::string::npos);
  CHECK(s.find("warning: the bootstrap says nothing here\n") != std::string::npos);
}

TEST_CASE("bootstrap intervals and sets read back exactly", "[fit_report]") {
  const Fitted f = fitted(0.01);
  BootstrapOptions b;
  b.resamples = 5;
  b.seed = 9;
  const BootstrapResult result = bootstrap(f.result, f.runs, f.options, b);
  REQUIRE(result.record);
  const BootstrapRecord& boot = *result.record;
  const FitRecord record = make_fit_record(f.result, f.runs, f.options, &result);
  const Config back = load_config_text(render_fitted_config(f.base, f.result, record), "fitted.yaml");
  REQUIRE(back.fit->bootstrap.has_value());
  const BootstrapRecord& r = *back.fit->bootstrap;
  CHECK(r.seed == 9);
  CHECK(r.level == 0.9);
  CHECK(r.at_bound == boot.at_bound);
  REQUIRE(r.sets.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(r.sets[i].a == boot.sets[i].a);
    CHECK(r.sets[i].d == boot.sets[i].d);
    CHECK(r.sets[i].b == boot.sets[i].b);
    CHECK(r.sets[i].tau == boot.sets[i].tau);
  }
  CHECK(r.a.lo == boot.a.lo);
  CHECK(r.a.hi == boot.a.hi);
  REQUIRE(r.tau.size() == 4);
  CHECK(r.tau[3].hi == boot.tau[3].hi);
  CHECK(r.b[0].lo == boot.b[0].lo);
}

TEST_CASE("the summary names the law, loss, objective, evaluations, stop reason and bounds", "[fit_report]") {
  const Fitted f = fitted(0.0);
  const std::string s = render_fit_summary(f.result, make_fit_record(f.result, f.runs, f.options));
  CHECK(s.find("fit: 16 rows of runs, \"quoted\".csv, utility law (irreducible inside), loss huber:0.5, 9 free parameters") !=
        std::string::npos);
  CHECK(s.find("at the start -> ") != std::string::npos);
  CHECK(s.find("evaluations, ") != std::string::npos);
  CHECK(s.find("stopped: polish: ") != std::string::npos);
  CHECK(s.find("at a bound: none") != std::string::npos);
  CHECK(s.find("d                0.1") != std::string::npos);
  CHECK(s.find("held") != std::string::npos);
  CHECK(s.find("tau[top 30-40%]") != std::string::npos);
}

TEST_CASE("a shared-tau power-law fit writes its notes", "[fit_report]") {
  Config base = default_config();
  base.model.params.law = LawKind::power;
  const Observations runs = runs_per_pool(base.model, {0.5, 1, 2});
  FitOptions o;
  o.shared_b = true;
  const FitResult r = fit(without_parameters(base.model), runs, o);
  const std::string s = render_fit_summary(r, make_fit_record(r, runs, o));
  CHECK(s.find("shared") != std::string::npos);
  CHECK(s.find("unused by the power law") != std::string::npos);
  const Config back = load_config_text(render_fitted_config(base, r, make_fit_record(r, runs, o)), "fitted.yaml");
  CHECK(back.model.params.law == LawKind::power);
  CHECK(back.fit->shared == std::vector<std::string>{"b"});
}

TEST_CASE("a run of two pools together counts passes over each; zero-weight rows do not count", "[fit_report]") {
  // Pools of 12.8M each, the top two together at 76.8M samples: uniform over their 25.6M unique
  // samples, so 3 passes over each. A zero-weight row at 20 passes over one pool is ignored.
  Fitted f = fitted(0.0);
  Observations runs;
  runs.source = "together.csv";
  Observation both;
  both.pool = "top 0-10%+top 10-20%";
  both.pools = {0, 1};
  both.samples_seen = 76.8e6;
  both.error = 0.7;
  Observation ignored;
  ignored.pool = "top 0-10%";
  ignored.pools = {0};
  ignored.samples_seen = 20 * 12.8e6;
  ignored.error = 0.7;
  ignored.weight = 0.0;
  runs.rows = {both, ignored};
  const FitRecord record = make_fit_record(f.result, runs, f.options);
  REQUIRE(record.max_pool_passes);
  CHECK(*record.max_pool_passes == Approx(3.0).epsilon(1e-12));
}
