// output.cpp <-> output_test.cpp: JSON and CSV carry the plan exactly; files are written atomically.
#include "qqt/output.hpp"
#include "qqt/io.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "qqt/error.hpp"
#include "qqt/search.hpp"

using namespace qqt;

namespace {

PlanResult default_plan(const Config& c, std::vector<double> budgets) {
  PlanOptions o;
  o.budgets_samples = std::move(budgets);
  return plan(c.model, topk_strategies(c.model), o);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

}  // namespace

TEST_CASE("numbers are the shortest text that round-trips", "[output]") {
  CHECK(exact_number(640000000.0) == "640000000");
  CHECK(exact_number(0.1) == "0.1");
  CHECK(exact_number(1.0 / 3.0) == "0.3333333333333333");
  CHECK(std::stod(exact_number(0.6144748382947)) == 0.6144748382947);
  CHECK_THROWS_AS(exact_number(std::nan("")), InternalError);
  CHECK(json_string("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST_CASE("plan JSON parses back to the same plan", "[output]") {
  const Config c = default_config();
  const PlanResult p = default_plan(c, {32e6, 640e6});
  const std::string json = render_plan(c, p, Format::json);
  const YAML::Node root = YAML::Load(json);
  CHECK(root["schema"].as<int>() == 2);
  CHECK(root["config"]["source"].as<std::string>() == "built-in:datacomp-medium-tmars-imagenet.yaml");
  CHECK(root["law"]["irreducible"].as<std::string>() == "inside");
  CHECK(root["law"]["a"].as<double>() == 0.025);
  REQUIRE(root["budgets"].size() == 2);
  const YAML::Node b = root["budgets"][1];
  CHECK(b["budget"].as<double>() == 640e6);
  CHECK(b["best"]["strategy"].as<std::string>() == "top-2");
  CHECK(b["best"]["label"].as<std::string>() == "top 20%");
  CHECK(b["best_level"].as<std::string>() == "top-2");
  CHECK(b["runner_up_level"].as<std::string>() == "top-3");
  CHECK(b["infeasible"].IsNull());
  REQUIRE(b["candidates"].size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& want = p.budgets[1].candidates[i];
    const YAML::Node got = b["candidates"][i];
    CHECK(got["error"].as<double>() == want.error);  // exact: shortest round-trip text
    CHECK(got["accuracy"].as<double>() == want.accuracy);
    CHECK(got["unique_samples"].as<double>() == want.unique_samples());
    CHECK(got["pareto"].as<bool>() == want.pareto);
    CHECK(got["fractions"].as<std::vector<double>>() == want.info->fractions);
    CHECK(got["weights"].as<std::vector<double>>() == want.info->weights);
  }
  REQUIRE(root["crossovers"].size() == 1);
  CHECK(root["crossovers"][0]["from"].as<std::string>() == "top-1");
  CHECK(root["crossovers"][0]["to"].as<std::string>() == "top-2");
  CHECK(root["crossovers"][0]["budget"].as<double>() == p.crossovers[0].budget_samples);
  // Same input, same bytes.
  CHECK(render_plan(c, default_plan(c, {32e6, 640e6}), Format::json) == json);
}

TEST_CASE("plan CSV has a header and one row per budget x candidate", "[output]") {
  const Config c = default_config();
  const PlanResult p = default_plan(c, {32e6, 64e6, 640e6});
  const auto lines = split(render_plan(c, p, Format::csv), '\n');
  REQUIRE(lines.size() == 1 + 3 * 4);
  CHECK(lines[0] ==
        "budget,strategy,label,pools,fractions,weights,unique_samples,passes,error,accuracy,pareto,best,feasible,row,"
        "best_level,pool_passes,max_pool_passes,extrapolation");
  const auto row = split(lines[1 + 4 * 2 + 1], ',');  // 640M, top-2
  REQUIRE(row.size() == 17);                          // the empty extrapolation field is the 18th: split drops it
  CHECK(row[0] == "640000000");
  CHECK(row[1] == "top-2");
  CHECK(row[3] == "top 0-10%;top 10-20%");
  CHECK(row[4] == "1;1;0;0");
  CHECK(row[5] == "0.5;0.5;0;0");
  CHECK(row[6] == "25600000");
  CHECK(row[7] == "25");
  CHECK(std::stod(row[8]) == p.budgets[2].candidates[1].error);
  CHECK(row[11] == "true");
  CHECK(row[12] == "true");
  CHECK(row[13] == "level");
  CHECK(row[14] == "true");       // best_level
  CHECK(row[15] == "25;25;0;0");  // pool passes: 640M x 0.5 / 12.8M = 25 over each used pool
  CHECK(row[16] == "25");         // max_pool_passes
}

TEST_CASE("tables are aligned and plain without colour", "[output]") {
  const Config c = default_config();
  const std::string t = render_plan(c, default_plan(c, {32e6, 640e6}), Format::table);
  CHECK(t.find('\x1b') == std::string::npos);
  CHECK(t.find("640M    top-2       top 20%") != std::string::npos);
  CHECK(t.find("31.18   38.55*  37.56~  35.14~") != std::string::npos);
  CHECK(render_plan(c, default_plan(c, {32e6}), Format::table, {true}).find('\x1b') != std::string::npos);
}

TEST_CASE("predictions in three formats", "[output]") {
  const Config c = default_config();
  const Strategy s{{1, 1, 0.5, 0}, {0.5, 0.3, 0.2, 0}};
  const Mixture mix(c.model, s);
  const auto preds = predict(c.model, s, {128e6});
  REQUIRE(preds.size() == 1);
  CHECK(preds[0].error == predict_error(c.model, s, 128e6));
  CHECK(preds[0].unique_samples == 32e6);
  const YAML::Node j = YAML::Load(render_predictions(c, mix, preds, Format::json));
  CHECK(j["schema"].as<int>() == 1);
  CHECK(j["predictions"][0]["budget"].as<double>() == 128e6);
  CHECK(j["predictions"][0]["error"].as<double>() == preds[0].error);
  CHECK(j["predictions"][0]["accuracy"].as<double>() == preds[0].accuracy);
  const auto lines = split(render_predictions(c, mix, preds, Format::csv), '\n');
  CHECK(lines[0] == "budget,error,accuracy,passes,unique_samples");
  CHECK(lines[1].rfind("128000000,", 0) == 0);
}

TEST_CASE("atomic writes replace the whole file or leave it alone", "[output]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("qqt-output-test-{}", ::getpid());
  fs::create_directories(dir);
  const std::string path = (dir / "plan.json").string();
  write_file_atomically(path, "old\n");
  write_file_atomically(path, "new content\n");
  CHECK(slurp(path) == "new content\n");
  // Only the file itself is left: no temporary files.
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  CHECK_THROWS_WITH(write_file_atomically(dir.string(), "x"), Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(write_file_atomically((dir / "missing" / "x.json").string(), "x"), Catch::Contains("cannot write"));
  if (::geteuid() != 0) {  // root ignores permissions
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_AS(write_file_atomically(path, "x"), InputError);
    fs::permissions(dir, fs::perms::owner_all);
    CHECK(slurp(path) == "new content\n");
  }
  fs::remove_all(dir);
}

TEST_CASE("a signal during an atomic write deletes the temporary file and keeps the old one", "[output]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("qqt-signal-test-{}", ::getpid());
  fs::create_directories(dir);
  const std::string target = (dir / "plan.json").string();
  const std::string temp = (dir / ".plan.json.tmp.test").string();
  write_file_atomically(target, "old\n");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the child: a write in progress, interrupted by SIGTERM
    install_signal_cleanup();
    std::ofstream(temp) << "partial";
    detail::set_cleanup_path(temp);
    std::raise(SIGTERM);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK_FALSE(fs::exists(temp));
  CHECK(slurp(target) == "old\n");
  fs::remove_all(dir);
}

TEST_CASE("search results in JSON, CSV and tables", "[output][search]") {
  const Config c = default_config();
  PlanOptions o;
  o.budgets_samples = {32e6, 640e6};
  SearchOptions search;
  search.frontier = true;
  search.constraints.max_passes = 40;
  const PlanResult p = search_plan(c.model, o, search);
  const std::string json = render_plan(c, p, Format::json);
  const YAML::Node root = YAML::Load(json);
  CHECK(root["search"]["families"].as<std::vector<std::string>>() == std::vector<std::string>{"topk", "subsets", "threshold", "mixture"});
  CHECK(root["search"]["constraints"]["max_passes"].as<double>() == 40);
  CHECK(root["search"]["constraints"]["max_unique"].IsNull());
  CHECK(root["search"]["mixture"]["only_seen"].as<bool>());
  const YAML::Node b = root["budgets"][1];
  const BudgetPlan& want = p.budgets[1];
  CHECK(b["best"]["family"].as<std::string>() == to_string(want.overall_family()));
  CHECK(b["best"]["error"].as<double>() == want.overall_best().error);
  for (const auto& f : want.families) {
    const YAML::Node got = b["families"][to_string(f.family)];
    REQUIRE(got.IsMap());
    CHECK(got["strategy"].as<std::string>() == f.best->strategy());
    CHECK(got["fractions"].as<std::vector<double>>() == f.best->info->fractions);
    CHECK(got["weights"].as<std::vector<double>>() == f.best->info->weights);
    CHECK(got["error"].as<double>() == f.best->error);
    CHECK(got["passes"].as<double>() == f.best->passes);
  }
  CHECK(b["mixture_search"]["evaluations"].as<std::size_t>() == want.families[3].summary->evaluations);
  CHECK(b["candidates"][3]["feasible"].as<bool>() == want.candidates[3].feasible);
  for (const auto& f : p.frontier) {
    const YAML::Node got = root["frontier"][to_string(f.family)];
    REQUIRE(got.size() == f.intervals.size());
    CHECK(got[0]["from"].as<double>() == f.intervals[0].from);
    CHECK(got[0]["strategy"].as<std::string>() == f.intervals[0].strategy);
  }
  // CSV: the levels, then one row per family; best marks the overall best.
  const auto lines = split(render_plan(c, p, Format::csv), '\n');
  REQUIRE(lines.size() == 1 + 2 * (4 + 4));
  const auto overall = split(lines[1 + 8 + 4 + *want.best_family], ',');
  CHECK(overall[13] == to_string(want.overall_family()));
  CHECK(overall[11] == "true");
  // Table: the family accuracies and the overall best.
  const std::string t = render_plan(c, p, Format::table);
  CHECK(t.find("accuracy % of each family's best") != std::string::npos);
  CHECK(t.find("overall best:") != std::string::npos);
  CHECK(t.find("frontier (each family's best") != std::string::npos);
}
