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
#include <thread>

#include "parallel.hpp"
#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/quantity.hpp"
#include "qqt/subsets.hpp"

namespace qqt {

const char* to_string(Family family) {
  switch (family) {
    case Family::topk: return "topk";
    case Family::subsets: return "subsets";
    case Family::threshold: return "threshold";
    case Family::mixture: return "mixture";
  }
  throw InternalError("unknown Family");
}

std::vector<Family> default_families(const Model& model) {
  if (model.pools.size() <= kMaxSubsetPools) return {Family::topk, Family::subsets, Family::threshold, Family::mixture};
  return {Family::topk, Family::threshold, Family::mixture};
}

std::vector<Family> parse_families(std::string_view text, const Model& model) {
  const std::vector<std::string> names{"topk", "subsets", "threshold", "mixture", "all"};
  std::vector<bool> chosen(4, false);
  bool any = false;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    const auto it = std::find(names.begin(), names.end(), item);
    if (it == names.end()) {
      const std::string hint = closest_match(item, names);
      throw InputError(fmt::format("--search: '{}' is not a search family{}; use topk, subsets, threshold, mixture or all", item,
                                   hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
    const auto index = static_cast<std::size_t>(it - names.begin());
    if (index == 4) {
      for (Family f : default_families(model)) chosen[static_cast<std::size_t>(f)] = true;
    } else {
      if (index == 1 && model.pools.size() > kMaxSubsetPools) {
        throw InputError(fmt::format("--search subsets is exhaustive and handles at most {} pools; the config has {}",
                                     kMaxSubsetPools, model.pools.size()));
      }
      chosen[index] = true;
    }
    any = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (!any) throw InputError("--search: no family given; use topk, subsets, threshold, mixture or all");
  std::vector<Family> out;
  for (std::size_t i = 0; i < 4; ++i) {
    if (chosen[i]) out.push_back(static_cast<Family>(i));
  }
  return out;
}

void validate(const SearchOptions& o, const Model& model) {
  for (Family f : o.families) {
    if (f == Family::subsets && model.pools.size() > kMaxSubsetPools) {
      throw InputError(fmt::format("--search subsets is exhaustive and handles at most {} pools; the config has {}",
                                   kMaxSubsetPools, model.pools.size()));
    }
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
  if (o.threads < 1 || o.threads > 256) throw InputError(fmt::format("--threads must be in [1, 256], got {}", o.threads));
}

int default_threads() {
  const unsigned hardware = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(hardware, 1u, 2u));
}

namespace {

constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- frontier: where a family's best changes ---------------------------------------------------

// The best of a family as a key (top-k level index, subset mask, threshold level; kNone: infeasible).
struct Race {
  std::function<std::vector<std::uint64_t>(const std::vector<double>&)> keys;  // at ascending budgets
  std::function<double(std::uint64_t, double)> error;                          // kInf if infeasible there
};

struct Change {
  double at;
  std::uint64_t from, to;
};

// Resolves one change between samples a (best A) and b (best B): bisect the race of A and B, then
// check that nobody beats both at the crossing; if someone does, it has its own interval in between.
void resolve(const Race& race, double a, std::uint64_t A, double b, std::uint64_t B, double rel_tol, int depth,
             std::vector<Change>& out) {
  auto a_wins = [&](double n) {
    const double ea = A == kNone ? kInf : race.error(A, n);
    const double eb = B == kNone ? kInf : race.error(B, n);
    return ea < eb || (ea == eb && ea != kInf);
  };
  double lo = a;
  double hi = b;
  while (hi / lo - 1.0 > rel_tol) {
    const double mid = std::sqrt(lo) * std::sqrt(hi);
    if (!(mid > lo && mid < hi)) break;
    (a_wins(mid) ? lo : hi) = mid;
  }
  const double at = std::sqrt(lo) * std::sqrt(hi);
  const std::uint64_t there = race.keys({at}).front();
  if (there == A || there == B || depth >= 16 || !(at > a && at < b)) {
    out.push_back({at, A, B});
    return;
  }
  resolve(race, a, A, at, there, rel_tol, depth + 1, out);
  resolve(race, at, there, b, B, rel_tol, depth + 1, out);
}

// Changes of the best over ascending sample budgets with known keys.
std::vector<Change> find_changes(const std::vector<double>& at, const std::vector<std::uint64_t>& keys, const Race& race,
                                 double rel_tol) {
  std::vector<Change> out;
  for (std::size_t i = 1; i < at.size(); ++i) {
    if (keys[i] != keys[i - 1]) resolve(race, at[i - 1], keys[i - 1], at[i], keys[i], rel_tol, 0, out);
  }
  return out;
}

// Budgets to scan: a log grid of `per_decade` points per decade over [lo, hi] and the given budgets.
std::vector<double> scan_points(double lo, double hi, int per_decade, const std::vector<double>& given) {
  std::vector<double> out;
  const int steps = std::max(1, static_cast<int>(std::ceil(std::log10(hi / lo) * per_decade)));
  const double log_lo = std::log(lo);
  const double step = (std::log(hi) - log_lo) / steps;
  for (int s = 0; s <= steps; ++s) out.push_back(s == 0 ? lo : s == steps ? hi : std::exp(log_lo + step * s));
  for (double n : given) {
    if (n >= lo && n <= hi) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// ---- strategies -------------------------------------------------------------------------------

std::string mixture_label(const Model& model, const Strategy& s) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    if (s.weights[i] > 0) parts.push_back(fmt::format("{:.3g}% {}", 100.0 * s.weights[i], model.pools[i].name));
  }
  return fmt::format("{}", fmt::join(parts, " + "));
}

Candidate candidate_for(const Model& model, const NamedStrategy& s, double n) {
  const Mixture mix(model, s.strategy);
  return evaluate(strategy_info(model, s, mix), mix, n);
}

// Best, runner-up, margin and Pareto marks among the feasible top-k candidates.
void rank_topk(BudgetPlan& b) {
  std::optional<std::size_t> best, runner_up;
  for (std::size_t i = 0; i < b.candidates.size(); ++i) {
    if (!b.candidates[i].feasible) continue;
    if (!best || b.candidates[i].error < b.candidates[*best].error) {
      runner_up = best;
      best = i;
    } else if (!runner_up || b.candidates[i].error < b.candidates[*runner_up].error) {
      runner_up = i;
    }
  }
  b.best = best.value_or(0);
  b.runner_up = runner_up;
  b.margin = runner_up ? b.candidates[*runner_up].error - b.candidates[*best].error : 0.0;
  mark_pareto(b.candidates);
}

bool has(const std::vector<Family>& families, Family f) { return std::find(families.begin(), families.end(), f) != families.end(); }

}  // namespace

PlanResult search_plan(const Model& model, const PlanOptions& plan_options, const SearchOptions& options_in) {
  SearchOptions options = options_in;
  if (options.families.empty()) options.families = default_families(model);
  validate(options, model);
  validate(plan_options);
  const Constraints& c = options.constraints;
  const std::vector<Family>& families = options.families;
  const std::vector<double>& budgets = plan_options.budgets_samples;
  const std::size_t count = budgets.size();

  // Fail fast where no strategy at all can meet the constraints (the searches would find none).
  for (double n : budgets) check_budget_feasible(c, model, n);

  const std::vector<NamedStrategy> levels = topk_strategies(model);
  PlanResult result = plan(model, levels, plan_options);
  std::vector<Mixture> level_mix;
  for (const auto& s : levels) level_mix.emplace_back(model, s.strategy);
  if (c.any()) {
    for (auto& b : result.budgets) {
      for (std::size_t k = 0; k < b.candidates.size(); ++k) {
        b.candidates[k].feasible = violation(c, model, level_mix[k], b.budget_samples).empty();
      }
      rank_topk(b);
    }
  }
  auto topk_best = [&](const BudgetPlan& b) -> std::optional<Candidate> {
    if (!b.candidates[b.best].feasible) return std::nullopt;
    return b.candidates[b.best];
  };

  // ---- the families at every budget
  std::optional<SubsetSearch> subsets;
  std::vector<SubsetBest> subset_best;
  std::map<PoolMask, std::shared_ptr<const StrategyInfo>> subset_infos;
  auto subset_info = [&](PoolMask mask) {
    auto& info = subset_infos[mask];
    if (!info) {
      const NamedStrategy s = subset_strategy(model, mask);
      info = strategy_info(model, s, Mixture(model, s.strategy));
    }
    return info;
  };
  if (has(families, Family::subsets)) {
    subsets.emplace(model, c);
    subset_best = subsets->best(budgets, options.threads);
    for (const auto& sb : subset_best) {
      if (sb.mask != 0) subset_info(sb.mask);  // in budget order: deterministic
    }
  }
  struct Slot {
    std::optional<Candidate> threshold, mixture;
    std::optional<std::size_t> threshold_level;
    std::optional<MixtureSummary> summary;
  };
  std::vector<Slot> slots(count);
  const bool want_threshold = has(families, Family::threshold);
  const bool want_mixture = has(families, Family::mixture);
  if (want_threshold || want_mixture) {
    // Largest budgets first: they take longest (more passes), so the threads finish together.
    std::vector<std::size_t> by_cost(count);
    std::iota(by_cost.begin(), by_cost.end(), 0);
    std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) { return budgets[a] > budgets[b]; });
    std::mutex progress_mutex;
    std::size_t done = 0;
    detail::parallel_for(count, options.threads, [&](std::size_t i, int) {
      const std::size_t j = by_cost[i];
      const double n = budgets[j];
      const BudgetPlan& b = result.budgets[j];
      const auto top = topk_best(b);
      std::vector<Strategy> seeds;
      if (top) seeds.push_back(Strategy{top->info->fractions, top->info->weights});
      if (subsets && subset_best[j].mask != 0) seeds.push_back(subset_strategy(model, subset_best[j].mask).strategy);
      Slot& slot = slots[j];
      if (want_threshold) {
        if (const auto th = best_threshold(model, c, n, options.threshold)) {
          NamedStrategy s = threshold_strategy(model, th->level, th->fraction);
          Candidate cand = candidate_for(model, s, n);
          slot.threshold_level = th->level;
          // The level ends are the top-k levels: by the exact law the family is never worse than them.
          if (top && top->error < cand.error) {
            cand = candidate_for(model, threshold_strategy(model, b.best + 1, 1.0), n);
            slot.threshold_level = b.best + 1;
          }
          slot.threshold = std::move(cand);
          seeds.push_back(Strategy{slot.threshold->info->fractions, slot.threshold->info->weights});
        }
      }
      if (want_mixture) {
        if (const auto opt = optimize_mixture(model, c, n, seeds, options.mixture)) {
          const NamedStrategy s{"mixture", mixture_label(model, opt->strategy), opt->strategy};
          slot.mixture = candidate_for(model, s, n);
          slot.summary = opt->summary;
        }
      }
      if (options.progress) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        options.progress(++done, count);
      }
    });
  }

  // ---- assemble, check feasibility, pick the overall best
  for (std::size_t j = 0; j < count; ++j) {
    BudgetPlan& b = result.budgets[j];
    for (Family f : families) {
      FamilyBest fb{to_string(f), std::nullopt};
      switch (f) {
        case Family::topk: fb.best = topk_best(b); break;
        case Family::subsets:
          if (const PoolMask mask = subset_best[j].mask; mask != 0) {
            fb.best = evaluate(subset_info(mask), Mixture(model, subset_strategy(model, mask).strategy), b.budget_samples);
          }
          break;
        case Family::threshold: fb.best = slots[j].threshold; break;
        case Family::mixture: fb.best = slots[j].mixture; break;
      }
      b.families.push_back(std::move(fb));
    }
    b.mixture_summary = slots[j].summary;
    for (std::size_t i = 0; i < b.families.size(); ++i) {
      if (!b.families[i].best) continue;
      if (!b.best_family || b.families[i].best->error < b.overall_best().error * (1 - options.tie_rel_tol)) b.best_family = i;
    }
    if (!b.best_family) {
      std::vector<std::string> names;
      for (Family f : families) names.push_back(to_string(f));
      throw InputError(fmt::format("no strategy of the searched families ({}) meets the constraints ({}) at budget {}{}",
                                   fmt::join(names, ", "), describe(c, model), format_count(b.budget_samples),
                                   want_mixture ? "" : "; --search mixture may find one"));
    }
  }

  // ---- top-k crossovers and frontiers
  const auto [lo_it, hi_it] = std::minmax_element(budgets.begin(), budgets.end());
  const double lo = *lo_it;
  const double hi = *hi_it;
  Race topk_race;
  topk_race.error = [&](std::uint64_t k, double n) {
    const Mixture& mix = level_mix[k];
    return violation(c, model, mix, n).empty() ? mix.error(n) : kInf;
  };
  topk_race.keys = [&](const std::vector<double>& at) {
    std::vector<std::uint64_t> out;
    for (double n : at) {
      std::uint64_t best = kNone;
      double best_error = kInf;
      for (std::size_t k = 0; k < levels.size(); ++k) {
        const double e = topk_race.error(k, n);
        if (e < best_error) {
          best_error = e;
          best = k;
        }
      }
      out.push_back(best);
    }
    return out;
  };
  auto changes_of = [&](const Race& race, const std::vector<double>& at) {
    return find_changes(at, race.keys(at), race, plan_options.crossover_rel_tol);
  };
  // Keys at scan points, reusing those already known at the requested budgets.
  auto keys_reusing = [&](const Race& race, const std::vector<double>& at, const std::map<double, std::uint64_t>& known) {
    std::vector<double> unknown;
    for (double n : at) {
      if (known.find(n) == known.end()) unknown.push_back(n);
    }
    const auto computed = unknown.empty() ? std::vector<std::uint64_t>{} : race.keys(unknown);
    std::vector<std::uint64_t> out;
    std::size_t next = 0;
    for (double n : at) {
      const auto it = known.find(n);
      out.push_back(it != known.end() ? it->second : computed[next++]);
    }
    return out;
  };
  if (c.any()) {  // plan() knew nothing of the constraints
    result.crossovers.clear();
    if (hi > lo) {
      for (const Change& ch : changes_of(topk_race, scan_points(lo, hi, plan_options.crossover_grid_per_decade, {}))) {
        result.crossovers.push_back({ch.at, ch.from == kNone ? "none" : levels[ch.from].id, ch.to == kNone ? "none" : levels[ch.to].id});
      }
    }
  }

  if (options.frontier && hi > lo) {
    // Intervals [lo, c1], [c1, c2], ..., [ck, hi] from the changes; `ends` gives the infos at both ends.
    auto intervals = [&](const std::vector<Change>& changes, std::uint64_t first, const std::function<std::string(std::uint64_t)>& name,
                         const std::function<std::pair<std::shared_ptr<const StrategyInfo>, std::shared_ptr<const StrategyInfo>>(
                             std::uint64_t, double, double)>& ends) {
      std::vector<FrontierInterval> out;
      double from = lo;
      std::uint64_t key = first;
      for (std::size_t i = 0; i <= changes.size(); ++i) {
        const double to = i < changes.size() ? changes[i].at : hi;
        FrontierInterval iv{from, to, key == kNone ? std::string() : name(key), nullptr, nullptr};
        if (key != kNone) std::tie(iv.at_from, iv.at_to) = ends(key, from, to);
        out.push_back(std::move(iv));
        if (i < changes.size()) {
          from = to;
          key = changes[i].to;
        }
      }
      return out;
    };
    for (Family f : families) {
      FamilyFrontier ff{to_string(f), {}};
      switch (f) {
        case Family::topk: {
          // The boundaries are the crossovers (plan()'s, or the constrained ones recomputed above).
          std::vector<Change> changes;
          auto index_of = [&](const std::string& id) {
            for (std::size_t k = 0; k < levels.size(); ++k) {
              if (levels[k].id == id) return static_cast<std::uint64_t>(k);
            }
            return kNone;
          };
          for (const auto& x : result.crossovers) changes.push_back({x.budget_samples, index_of(x.from), index_of(x.to)});
          ff.intervals = intervals(changes, topk_race.keys({lo}).front(), [&](std::uint64_t k) { return levels[k].id; },
                                   [&](std::uint64_t k, double, double) {
                                     const auto& info = result.budgets.front().candidates[k].info;
                                     return std::make_pair(info, info);
                                   });
          break;
        }
        case Family::subsets: {
          Race race;
          race.keys = [&](const std::vector<double>& at) {
            std::vector<std::uint64_t> out;
            for (const auto& sb : subsets->best(at, options.threads)) out.push_back(sb.mask == 0 ? kNone : sb.mask);
            return out;
          };
          race.error = [&](std::uint64_t mask, double n) {
            const auto m = static_cast<PoolMask>(mask);
            return subsets->feasible(m, n) ? subsets->error(m, n) : kInf;
          };
          std::map<double, std::uint64_t> known;
          for (std::size_t j = 0; j < count; ++j) known[budgets[j]] = subset_best[j].mask == 0 ? kNone : subset_best[j].mask;
          const auto at = scan_points(lo, hi, options.frontier_grid_per_decade, budgets);
          const auto keys = keys_reusing(race, at, known);
          ff.intervals = intervals(find_changes(at, keys, race, plan_options.crossover_rel_tol), keys.front(),
                                   [&](std::uint64_t mask) { return subset_strategy(model, static_cast<PoolMask>(mask)).id; },
                                   [&](std::uint64_t mask, double, double) {
                                     const auto info = subset_info(static_cast<PoolMask>(mask));
                                     return std::make_pair(info, info);
                                   });
          break;
        }
        case Family::threshold: {
          Race race;
          race.keys = [&](const std::vector<double>& at) {
            std::vector<std::uint64_t> out(at.size(), kNone);
            detail::parallel_for(at.size(), options.threads, [&](std::size_t i, int) {
              if (const auto th = best_threshold(model, c, at[i], options.threshold)) out[i] = th->level;
            });
            return out;
          };
          race.error = [&](std::uint64_t level, double n) {
            const auto th = best_threshold(model, c, n, options.threshold, static_cast<std::size_t>(level));
            return th ? th->error : kInf;
          };
          std::map<double, std::uint64_t> known;
          for (std::size_t j = 0; j < count; ++j) known[budgets[j]] = slots[j].threshold_level ? *slots[j].threshold_level : kNone;
          const auto at = scan_points(lo, hi, options.frontier_grid_per_decade, budgets);
          const auto keys = keys_reusing(race, at, known);
          auto best_in_level = [&](std::uint64_t level, double n) -> std::shared_ptr<const StrategyInfo> {
            const auto th = best_threshold(model, c, n, options.threshold, static_cast<std::size_t>(level));
            if (!th) return nullptr;
            const NamedStrategy s = threshold_strategy(model, th->level, th->fraction);
            return strategy_info(model, s, Mixture(model, s.strategy));
          };
          ff.intervals = intervals(find_changes(at, keys, race, plan_options.crossover_rel_tol), keys.front(),
                                   [&](std::uint64_t level) { return fmt::format("threshold-{}", level); },
                                   [&](std::uint64_t level, double from, double to) {
                                     // An end found by bisection can sit just past where the level stops
                                     // being feasible: step inside by 1e-7 then.
                                     auto at_from = best_in_level(level, from);
                                     if (!at_from) at_from = best_in_level(level, from * (1 + 1e-7));
                                     auto at_to = best_in_level(level, to);
                                     if (!at_to) at_to = best_in_level(level, to * (1 - 1e-7));
                                     if (!at_from) at_from = at_to;
                                     if (!at_to) at_to = at_from;
                                     if (!at_from) throw InternalError(fmt::format("threshold level {} has no strategy in its interval", level));
                                     return std::make_pair(at_from, at_to);
                                   });
          break;
        }
        case Family::mixture: {
          // No bisection (each point is an optimisation): the requested budgets grouped by the pools used.
          std::vector<std::size_t> order(count);
          std::iota(order.begin(), order.end(), 0);
          std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return budgets[a] < budgets[b]; });
          for (std::size_t j : order) {
            const auto& m = slots[j].mixture;
            const auto info = m ? m->info : nullptr;
            if (!ff.intervals.empty()) {
              FrontierInterval& last = ff.intervals.back();
              const bool same = (last.at_to == nullptr) == (info == nullptr) && (!info || last.at_to->pools == info->pools);
              if (same) {
                last.to = budgets[j];
                last.at_to = info;
                continue;
              }
            }
            ff.intervals.push_back({budgets[j], budgets[j], info ? "mixture" : "", info, info});
          }
          break;
        }
      }
      result.frontier.push_back(std::move(ff));
    }
  }

  SearchEcho echo;
  for (Family f : families) echo.families.push_back(to_string(f));
  echo.constraints = describe(c, model);
  echo.max_passes = c.max_passes;
  echo.max_unique = c.max_unique;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    echo.min_weight.push_back(c.lower(i));
    echo.max_weight.push_back(c.upper(i));
  }
  echo.seed = options.mixture.seed;
  echo.only_seen = options.mixture.only_seen;
  result.search = std::move(echo);
  return result;
}

void search_plan_pieces(const Model& model, const PlanOptions& plan_options, const SearchOptions& options,
                        const std::function<void(const PlanResult&)>& sink) {
  validate(plan_options);
  for (double n : plan_options.budgets_samples) check_budget_feasible(options.constraints, model, n);
  const std::vector<double>& budgets = plan_options.budgets_samples;
  SearchOptions piece_options = options;
  piece_options.frontier = false;
  for (std::size_t start = 0; start < budgets.size(); start += kPlanPieceBudgets) {
    PlanOptions piece = plan_options;
    const std::size_t end = std::min(budgets.size(), start + kPlanPieceBudgets);
    piece.budgets_samples.assign(budgets.begin() + static_cast<std::ptrdiff_t>(start), budgets.begin() + static_cast<std::ptrdiff_t>(end));
    if (options.progress) {
      piece_options.progress = [&options, start, total = budgets.size()](std::size_t done, std::size_t) { options.progress(start + done, total); };
    }
    sink(search_plan(model, piece, piece_options));
  }
}

}  // namespace qqt
