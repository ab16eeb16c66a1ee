#include "qqt/regression.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "qqt/error.hpp"
#include "qqt/quantity.hpp"

namespace qqt {

void validate(const RegressionOptions& options) {
  if (!(options.tolerance_rel >= 0 && options.tolerance_rel <= 1)) {
    throw InputError(fmt::format("--tolerance must be in [0, 1], got {}", options.tolerance_rel));
  }
}

namespace {

[[noreturn]] void bad_baseline(const std::string& path, const YAML::Node& node, const std::string& what) {
  const YAML::Mark m = node.Mark();
  throw InputError(fmt::format("{}:{}:{}: {}", path, m.line + 1, m.column + 1, what));
}

double baseline_number(const std::string& path, const YAML::Node& parent, const char* field, const std::string& key) {
  const YAML::Node node = parent[field];
  if (!node) bad_baseline(path, parent, fmt::format("{} must be a number, but it is missing", key));
  if (!node.IsScalar()) bad_baseline(path, node, fmt::format("{} must be a number", key));
  try {
    const double v = node.as<double>();
    if (!std::isfinite(v)) bad_baseline(path, node, fmt::format("{} must be finite", key));
    return v;
  } catch (const YAML::Exception&) {
    bad_baseline(path, node, fmt::format("{} must be a number, got '{}'", key, node.Scalar()));
  }
}

}  // namespace

Baseline load_baseline(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(fmt::format("{}: is a directory, not a baseline file", path));
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw InputError(fmt::format("{}: cannot open the baseline file", path));
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: not valid JSON: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) throw InputError(fmt::format("{}: a baseline must be the JSON output of qqt plan --format json", path));
  if (!root["schema"] || !root["schema"].IsScalar() || (root["schema"].Scalar() != "1" && root["schema"].Scalar() != "2")) {
    throw InputError(fmt::format("{}: schema must be 1 or 2 (qqt plan --format json output)", path));
  }
  const YAML::Node budgets = root["budgets"];
  if (!budgets || !budgets.IsSequence()) bad_baseline(path, root, "budgets must be a list");
  Baseline out;
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    const YAML::Node b = budgets[i];
    const std::string where = fmt::format("budgets[{}]", i);
    if (!b.IsMap()) bad_baseline(path, b, where + " must be an object");
    const double budget = baseline_number(path, b, "budget", where + ".budget");
    const YAML::Node best = b["best"];
    if (best && best.IsNull()) {  // schema 2: no feasible strategy at this budget
      out.budgets[budget] = {"none", 0.0};
      continue;
    }
    if (!best || !best.IsMap()) bad_baseline(path, b, where + ".best must be an object");
    const YAML::Node strategy = best["strategy"];
    if (!strategy || !strategy.IsScalar()) bad_baseline(path, best, where + ".best.strategy must be a string");
    out.budgets[budget] = {strategy.Scalar(), baseline_number(path, best, "error", where + ".best.error")};
  }
  return out;
}

RegressionReport compare_with_baseline(const PlanResult& plan, const std::string& baseline_path, const RegressionOptions& options) {
  validate(options);
  return compare_with_baseline(plan, load_baseline(baseline_path), options);
}

RegressionReport compare_with_baseline(const PlanResult& plan, const Baseline& baseline, const RegressionOptions& options) {
  validate(options);
  RegressionReport report;
  for (const auto& b : plan.budgets) {
    const std::string name = fmt::format("budget {} ({})", format_count(b.budget_samples), b.budget_samples);
    const auto it = baseline.budgets.find(b.budget_samples);
    if (it == baseline.budgets.end()) {
      report.findings.push_back(fmt::format("{}: not in the baseline", name));
      continue;
    }
    ++report.budgets_compared;
    if (!b.feasible()) {
      if (it->second.strategy == "none") continue;
      report.findings.push_back(fmt::format("{}: best strategy changed from {} to none ({})", name, it->second.strategy, b.infeasible));
      continue;
    }
    const Candidate& best = b.overall_best();
    if (best.strategy() != it->second.strategy) {
      report.findings.push_back(fmt::format("{}: best strategy changed from {} to {}", name, it->second.strategy, best.strategy()));
      continue;
    }
    const double old_error = it->second.error;
    const double change = old_error == 0 ? std::abs(best.error) : std::abs(best.error - old_error) / std::abs(old_error);
    if (change > options.tolerance_rel) {
      report.findings.push_back(fmt::format("{}: error of {} moved from {} to {} (relative change {:.3g} > tolerance {:g})", name,
                                            best.strategy(), old_error, best.error, change, options.tolerance_rel));
    }
  }
  return report;
}

}  // namespace qqt
