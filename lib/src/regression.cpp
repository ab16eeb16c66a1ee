#include "qqt/regression.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "qqt/error.hpp"
#include "qqt/output.hpp"
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

// The members of the plan JSON that say what the plan was made from. "config.source" (a file
// path, which differs between machines) is left out.
constexpr const char* kInputMembers[] = {"config", "law", "search"};

// Flattens a JSON value into (path, value) pairs: objects by key ("law.a"), lists of scalars as
// one comma-joined value ("search.families" = "topk,threshold"), lists of objects by their
// "name" or "pool" member when they have one ("config.pools[top 0-10%].b"), else by index.
void flatten(const YAML::Node& node, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  if (path == "config.source") return;
  if (node.IsMap()) {
    for (const auto& kv : node) flatten(kv.second, path + "." + kv.first.Scalar(), out);
  } else if (node.IsSequence()) {
    const bool scalars = std::all_of(node.begin(), node.end(), [](const YAML::Node& n) { return n.IsScalar(); });
    if (scalars) {
      std::string joined;
      for (std::size_t i = 0; i < node.size(); ++i) joined += (i ? "," : "") + node[i].Scalar();
      out.emplace_back(path, joined);
      return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node item = node[i];
      std::string key = std::to_string(i);
      for (const char* id : {"name", "pool"}) {
        if (item.IsMap() && item[id] && item[id].IsScalar()) {
          key = item[id].Scalar();
          break;
        }
      }
      flatten(item, fmt::format("{}[{}]", path, key), out);
    }
  } else if (node.IsNull()) {
    out.emplace_back(path, "null");
  } else {
    out.emplace_back(path, node.Scalar());
  }
}

std::vector<std::pair<std::string, std::string>> inputs_of(const YAML::Node& root) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* member : kInputMembers) {
    if (root[member]) flatten(root[member], member, out);
  }
  return out;
}

// Two input values are the same if their text is, or both are numbers of equal value.
bool same_value(const std::string& a, const std::string& b) {
  if (a == b) return true;
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double x = std::strtod(a.c_str(), &end_a);
  const double y = std::strtod(b.c_str(), &end_b);
  return !a.empty() && !b.empty() && *end_a == '\0' && *end_b == '\0' && x == y;
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
  out.path = path;
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    const YAML::Node b = budgets[i];
    const std::string where = fmt::format("budgets[{}]", i);
    if (!b.IsMap()) bad_baseline(path, b, where + " must be an object");
    const double budget = baseline_number(path, b, "budget", where + ".budget");
    const bool twice =
        std::any_of(out.budgets.begin(), out.budgets.end(), [&](const Baseline::Budget& e) { return e.budget_samples == budget; });
    if (twice) bad_baseline(path, b, fmt::format("{}.budget {} appears twice", where, exact_number(budget)));
    const YAML::Node best = b["best"];
    if (best && best.IsNull()) {  // schema 2: no feasible strategy at this budget
      out.budgets.push_back({budget, "none", 0.0});
      continue;
    }
    if (!best || !best.IsMap()) bad_baseline(path, b, where + ".best must be an object");
    const YAML::Node strategy = best["strategy"];
    if (!strategy || !strategy.IsScalar()) bad_baseline(path, best, where + ".best.strategy must be a string");
    const double error = baseline_number(path, best, "error", where + ".best.error");
    out.budgets.push_back({budget, strategy.Scalar(), error});
  }
  out.inputs = inputs_of(root);
  return out;
}

RegressionReport compare_with_baseline(const Config& config, const PlanResult& plan, const Baseline& baseline,
                                       const RegressionOptions& options) {
  validate(options);
  RegressionReport report;
  // The run's inputs, flattened from its own JSON rendering: the same members the baseline has.
  const auto now = inputs_of(YAML::Load(render_plan(config, plan, Format::json)));
  std::vector<std::string> search_changes, config_changes;
  auto note = [&](const std::string& key, const std::string& change) {
    (key.rfind("search", 0) == 0 ? search_changes : config_changes).push_back(change);
  };
  std::map<std::string, std::string> now_by_key(now.begin(), now.end());
  std::map<std::string, std::string> old_by_key(baseline.inputs.begin(), baseline.inputs.end());
  for (const auto& [key, old] : baseline.inputs) {
    const auto it = now_by_key.find(key);
    if (it == now_by_key.end()) {
      note(key, fmt::format("{}: {} in the baseline, absent in this run", key, old));
    } else if (!same_value(old, it->second)) {
      note(key, fmt::format("{}: {} in the baseline, {} in this run", key, old, it->second));
    }
  }
  for (const auto& [key, value] : now) {
    if (!old_by_key.count(key)) note(key, fmt::format("{}: absent in the baseline, {} in this run", key, value));
  }
  constexpr std::size_t kListed = 8;  // differences named one per line; the rest are counted
  auto list = [](const std::vector<std::string>& changes, const char* what, std::vector<std::string>& out) {
    for (std::size_t i = 0; i < changes.size() && i < kListed; ++i)
      out.push_back(fmt::format("{} from the baseline: {}", what, changes[i]));
    if (changes.size() > kListed) out.push_back(fmt::format("{} from the baseline: and {} more", what, changes.size() - kListed));
  };
  list(config_changes, "config differs", report.config_changes);
  if (!search_changes.empty()) {
    list(search_changes, "search settings differ", report.findings);
    report.findings.push_back("budgets not compared: the best strategies of other search settings are not comparable");
    return report;
  }

  auto name_of = [](double budget) { return fmt::format("budget {} ({})", format_count(budget), exact_number(budget)); };
  auto direction = [](double old_error, double new_error) { return new_error < old_error ? "improved" : "worsened"; };
  for (const auto& b : plan.budgets) {
    const std::string name = name_of(b.budget_samples);
    const auto it = std::find_if(baseline.budgets.begin(), baseline.budgets.end(),
                                 [&](const Baseline::Budget& e) { return e.budget_samples == b.budget_samples; });
    if (it == baseline.budgets.end()) {
      report.findings.push_back(fmt::format("{}: not in the baseline", name));
      continue;
    }
    ++report.budgets_compared;
    if (!b.feasible()) {
      if (it->strategy == "none") continue;
      report.findings.push_back(fmt::format("{}: best strategy changed from {} to none ({})", name, it->strategy, b.infeasible));
      continue;
    }
    const Candidate& best = b.overall_best();
    if (it->strategy == "none") {
      report.findings.push_back(fmt::format("{}: best strategy changed from none (no feasible strategy) to {} (error {})", name,
                                            best.strategy(), exact_number(best.error)));
      continue;
    }
    const double old_error = it->error;
    if (best.strategy() != it->strategy) {
      report.findings.push_back(fmt::format("{}: best strategy changed from {} to {} ({} from {} to {})", name, it->strategy,
                                            best.strategy(), direction(old_error, best.error), exact_number(old_error),
                                            exact_number(best.error)));
      continue;
    }
    const double change = old_error == 0 ? std::abs(best.error) : std::abs(best.error - old_error) / std::abs(old_error);
    if (change > options.tolerance_rel) {
      report.findings.push_back(fmt::format("{}: error of {} {} from {} to {} (relative change {:.3g} > tolerance {:g})", name,
                                            best.strategy(), direction(old_error, best.error), exact_number(old_error),
                                            exact_number(best.error), change, options.tolerance_rel));
    }
  }
  for (const auto& e : baseline.budgets) {
    const bool kept =
        std::any_of(plan.budgets.begin(), plan.budgets.end(), [&](const BudgetPlan& b) { return b.budget_samples == e.budget_samples; });
    if (!kept)
      report.findings.push_back(
          fmt::format("{}: in the baseline but not in this run (best there: {})", name_of(e.budget_samples), e.strategy));
  }
  return report;
}

}  // namespace qqt
