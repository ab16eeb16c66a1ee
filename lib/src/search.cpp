#include "qqt/search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include "parallel.hpp"
#include "qqt/error.hpp"
#include "qqt/quantity.hpp"
#include "qqt/text.hpp"
#include "search_family.hpp"

namespace qqt {

std::vector<Family> default_families(const Model& model) {
  std::vector<Family> out;
  for (const auto& e : detail::family_table()) {
    if (e.unavailable(model).empty()) out.push_back(e.family);
  }
  return out;
}

std::vector<Family> parse_families(std::string_view text, const Model& model) {
  std::vector<std::string> names;
  for (const auto& e : detail::family_table()) names.push_back(to_string(e.family));
  const std::string choices = fmt::format("{} or all", fmt::join(names, ", "));
  names.push_back("all");
  std::vector<bool> chosen(detail::family_table().size(), false);
  for (const std::string_view raw : split_list(text)) {
    const std::string_view item = trim(raw);
    const auto it = std::find(names.begin(), names.end(), item);
    if (it == names.end()) {
      throw InputError(fmt::format("--search: '{}' is not a search family{}; use {}", item, did_you_mean(item, names), choices));
    }
    if (*it == "all") {
      for (Family f : default_families(model)) chosen[static_cast<std::size_t>(f)] = true;
      continue;
    }
    const auto& entry = detail::family_table()[static_cast<std::size_t>(it - names.begin())];
    if (const std::string why = entry.unavailable(model); !why.empty()) throw InputError(why);
    chosen[static_cast<std::size_t>(entry.family)] = true;
  }
  std::vector<Family> out;
  for (const auto& e : detail::family_table()) {
    if (chosen[static_cast<std::size_t>(e.family)]) out.push_back(e.family);
  }
  return out;
}

void validate(const SearchOptions& o, const Model& model) {
  for (Family f : o.families) {
    if (const std::string why = detail::family_entry(f).unavailable(model); !why.empty()) throw InputError(why);
  }
  validate(o.constraints, model);
  validate(o.threshold);
  validate(o.mixture);
  if (o.frontier_grid_per_decade < 1 || o.frontier_grid_per_decade > 1000) {
    throw InputError(fmt::format("frontier_grid_per_decade must be in [1, 1000], got {}", o.frontier_grid_per_decade));
  }
  if (!(o.tie_rel_tol >= 0 && o.tie_rel_tol <= 1e-3)) {
    throw InputError(fmt::format("tie_rel_tol must be in [0, 1e-3], got {}", o.tie_rel_tol));
  }
  if (o.warm_chain_budgets < 1 || o.warm_chain_budgets > static_cast<int>(kPlanPieceBudgets)) {
    throw InputError(fmt::format("--warm-chain must be in [1, {}], got {}", kPlanPieceBudgets, o.warm_chain_budgets));
  }
  if (o.threads < 1 || o.threads > 256) throw InputError(fmt::format("--threads must be in [1, 256], got {}", o.threads));
}

int default_threads() {
  const unsigned hardware = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(hardware, 1u, 2u));
}

namespace {

// The top-k levels under the constraints: feasibility, best, runner-up and Pareto marks at every budget.
void mark_levels(PlanResult& result, const Model& model, const Constraints& c) {
  std::vector<Mixture> mixtures;
  for (const auto& s : topk_strategies(model)) mixtures.emplace_back(model, s.strategy);
  for (auto& b : result.budgets) {
    for (std::size_t k = 0; k < b.candidates.size(); ++k) {
      b.candidates[k].feasible = violation(c, model, mixtures[k], b.budget_samples).empty();
    }
    rank_levels(b);
  }
}

// The crossovers of the top-k levels under the constraints (plan() knew nothing of them).
std::vector<Crossover> constrained_crossovers(const Model& model, const Constraints& c, double lo, double hi,
                                              const PlanOptions& plan_options) {
  std::vector<Crossover> out;
  if (!(hi > lo)) return out;
  const std::vector<NamedStrategy> levels = topk_strategies(model);
  const detail::Race race = detail::level_race(model, c);
  const auto at = detail::scan_points(lo, hi, plan_options.crossover_grid_per_decade, {});
  for (const detail::Change& ch : detail::find_changes(at, race.keys(at), race, plan_options.crossover_rel_tol)) {
    out.push_back({ch.at, ch.from == detail::kNoKey ? "none" : levels[ch.from].id, ch.to == detail::kNoKey ? "none" : levels[ch.to].id});
  }
  return out;
}

// Every family's best at every budget: budgets[j] -> bests in family order. Families whose search is
// costly run in warm-started chains (SearchOptions::warm_chain_budgets): consecutive requested budgets,
// each chain searched in ascending budget order by one thread, every budget warm-started from the one
// before it in its chain. Chains run in parallel, those with the largest budgets first (they take
// longest), so the threads finish together; which thread runs a chain changes nothing.
std::vector<std::vector<FamilyBest>> search_budgets(std::vector<std::unique_ptr<detail::SearchFamily>>& families,
                                                    const std::vector<double>& budgets, const SearchOptions& options) {
  const std::size_t count = budgets.size();
  for (auto& f : families) f->prepare();
  std::vector<std::vector<FamilyBest>> out(count);
  auto at_budget = [&](std::size_t j, std::optional<std::size_t> previous) {
    std::vector<FamilyBest>& bests = out[j];
    for (auto& f : families) bests.push_back(f->best(j, bests, previous));
  };
  const bool costly = std::any_of(families.begin(), families.end(), [](const auto& f) { return f->costly(); });
  if (!costly) {
    for (std::size_t j = 0; j < count; ++j) at_budget(j, std::nullopt);
    return out;
  }
  const std::size_t length = static_cast<std::size_t>(options.warm_chain_budgets);
  std::vector<std::vector<std::size_t>> chains;
  for (std::size_t first = 0; first < count; first += length) {
    std::vector<std::size_t>& chain = chains.emplace_back(std::min(length, count - first));
    std::iota(chain.begin(), chain.end(), first);
    std::stable_sort(chain.begin(), chain.end(), [&](std::size_t a, std::size_t b) { return budgets[a] < budgets[b]; });
  }
  std::vector<std::size_t> by_cost(chains.size());
  std::iota(by_cost.begin(), by_cost.end(), 0);
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [&](std::size_t a, std::size_t b) { return budgets[chains[a].back()] > budgets[chains[b].back()]; });
  std::mutex progress_mutex;
  std::size_t done = 0;
  detail::parallel_for(chains.size(), options.threads, [&](std::size_t i, int) {
    const std::vector<std::size_t>& chain = chains[by_cost[i]];
    for (std::size_t k = 0; k < chain.size(); ++k) {
      at_budget(chain[k], k == 0 ? std::nullopt : std::optional<std::size_t>(chain[k - 1]));
      if (options.progress) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        options.progress(++done, count);
      }
    }
  });
  return out;
}

// The overall best at one budget: the lowest error over the families, simpler families winning ties.
// Where none is feasible, says why in b.infeasible (unless check_budget_feasible already did).
void pick_overall_best(BudgetPlan& b, const SearchOptions& options, const Model& model) {
  std::vector<double> errors;
  for (const FamilyBest& f : b.families) errors.push_back(f.best ? f.best->error : std::numeric_limits<double>::infinity());
  b.best_family = rank(errors, options.tie_rel_tol).best;
  if (b.best_family || !b.infeasible.empty()) return;
  std::vector<std::string> names;
  for (Family f : options.families) names.push_back(to_string(f));
  const bool mixture = std::find(options.families.begin(), options.families.end(), Family::mixture) != options.families.end();
  b.infeasible =
      (fmt::format("no strategy of the searched families ({}) meets the constraints ({}) at budget {}{}", fmt::join(names, ", "),
                   describe(options.constraints, model), format_count(b.budget_samples), mixture ? "" : "; --search mixture may find one"));
}

SearchEcho echo_of(const SearchOptions& options, const Model& model) {
  const Constraints& c = options.constraints;
  SearchEcho echo;
  echo.families = options.families;
  echo.constraints = describe(c, model);
  echo.max_passes = c.max_passes;
  echo.max_unique = c.max_unique;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    echo.min_weight.push_back(c.lower(i));
    echo.max_weight.push_back(c.upper(i));
  }
  echo.seed = options.mixture.seed;
  echo.only_seen = options.mixture.only_seen;
  return echo;
}

}  // namespace

namespace {

// search_plan, and for one piece of a streamed sweep (require_feasible = false: the sweep as a whole
// has a feasible budget, checked once, so a piece may be infeasible everywhere).
PlanResult search_plan_impl(const Model& model, const PlanOptions& plan_options, const SearchOptions& options_in, bool require_feasible) {
  SearchOptions options = options_in;
  if (options.families.empty()) options.families = default_families(model);
  validate(options, model);
  validate(plan_options);
  const Constraints& c = options.constraints;
  const std::vector<double>& budgets = plan_options.budgets_samples;

  PlanResult result = plan(model, topk_strategies(model), plan_options);
  // Budgets where no strategy at all can meet the constraints: reported as infeasible there (the
  // families find nothing); only a request infeasible at every budget is an input error.
  for (BudgetPlan& b : result.budgets) {
    try {
      check_budget_feasible(c, model, b.budget_samples);
    } catch (const InputError& e) {
      b.infeasible = e.what();
    }
  }
  const auto [lo_it, hi_it] = std::minmax_element(budgets.begin(), budgets.end());
  const double lo = *lo_it;
  const double hi = *hi_it;
  if (c.any()) {
    mark_levels(result, model, c);
    result.crossovers = constrained_crossovers(model, c, lo, hi, plan_options);
  }

  const detail::SearchContext context{
      model, c, options.threshold, options.mixture, options.threads, options.frontier_grid_per_decade, plan_options, budgets, result};
  std::vector<std::unique_ptr<detail::SearchFamily>> families;
  for (Family f : options.families) families.push_back(detail::family_entry(f).make(context));
  std::vector<std::vector<FamilyBest>> bests = search_budgets(families, budgets, options);
  for (std::size_t j = 0; j < budgets.size(); ++j) {
    result.budgets[j].families = std::move(bests[j]);
    pick_overall_best(result.budgets[j], options, model);
  }
  if (require_feasible && std::none_of(result.budgets.begin(), result.budgets.end(), [](const BudgetPlan& b) { return b.feasible(); })) {
    throw InputError(result.budgets.size() == 1 ? result.budgets.front().infeasible
                                                : fmt::format("no budget is feasible; the first: {}", result.budgets.front().infeasible));
  }
  mark_extrapolation(result, model, plan_options);
  if (options.frontier && hi > lo) {
    for (auto& f : families) result.frontier.push_back({f->family(), f->frontier(lo, hi)});
  }
  result.search = echo_of(options, model);
  return result;
}

}  // namespace

PlanResult search_plan(const Model& model, const PlanOptions& plan_options, const SearchOptions& options) {
  return search_plan_impl(model, plan_options, options, true);
}

void search_plan_pieces(const Model& model, const PlanOptions& plan_options, const SearchOptions& options,
                        const std::function<void(const PlanResult&)>& sink) {
  validate(plan_options);
  const std::vector<double>& budgets = plan_options.budgets_samples;
  // As search_plan: infeasible budgets are reported as such and the sweep goes on; only a sweep
  // infeasible at every budget is an input error (the first budget's reason, as search_plan says it).
  std::string first_reason;
  bool any_feasible = false;
  for (double n : budgets) {
    try {
      check_budget_feasible(options.constraints, model, n);
      any_feasible = true;
      break;
    } catch (const InputError& e) {
      if (first_reason.empty()) first_reason = e.what();
    }
  }
  if (!any_feasible) {
    throw InputError(budgets.size() == 1 ? first_reason : fmt::format("no budget is feasible; the first: {}", first_reason));
  }
  SearchOptions piece_options = options;
  piece_options.frontier = false;
  for (std::size_t start = 0; start < budgets.size(); start += kPlanPieceBudgets) {
    PlanOptions piece = plan_options;
    const std::size_t end = std::min(budgets.size(), start + kPlanPieceBudgets);
    piece.budgets_samples.assign(budgets.begin() + static_cast<std::ptrdiff_t>(start), budgets.begin() + static_cast<std::ptrdiff_t>(end));
    if (options.progress) {
      piece_options.progress = [&options, start, total = budgets.size()](std::size_t done, std::size_t) {
        options.progress(start + done, total);
      };
    }
    sink(search_plan_impl(model, piece, piece_options, false));
  }
}

}  // namespace qqt
