// The threshold family in the search: best_threshold (threshold.hpp) at every budget.
#include <fmt/format.h>

#include "parallel.hpp"
#include "qqt/error.hpp"
#include "qqt/threshold.hpp"
#include "search_family.hpp"

namespace qqt::detail {

namespace {

class ThresholdFamily final : public SearchFamily {
 public:
  using SearchFamily::SearchFamily;
  Family family() const override { return Family::threshold; }
  bool costly() const override { return true; }

  void prepare() override { level_.assign(ctx_.budgets.size(), kNoKey); }

  FamilyBest best(std::size_t j, std::span<const FamilyBest>, std::optional<std::size_t>) override {
    const double n = ctx_.budgets[j];
    const BudgetPlan& b = ctx_.levels.budgets[j];
    FamilyBest out{Family::threshold, std::nullopt, std::nullopt};
    const auto th = best_threshold(ctx_.model, ctx_.constraints, n, ctx_.threshold);
    if (!th) return out;
    Candidate cand = evaluate(ctx_.model, threshold_strategy(ctx_.model, th->level, th->fraction), n);
    level_[j] = th->level;
    // The level ends are the top-k levels: by the exact law the family is never worse than them.
    const Candidate& top = b.candidates[b.best];
    if (top.feasible && top.error < cand.error) {
      cand = evaluate(ctx_.model, threshold_strategy(ctx_.model, b.best + 1, 1.0), n);
      level_[j] = b.best + 1;
    }
    out.best = std::move(cand);
    return out;
  }

  std::vector<FrontierInterval> frontier(double lo, double hi) override {
    const Model& model = ctx_.model;
    Race race;
    race.keys = [&](const std::vector<double>& at) {
      std::vector<std::uint64_t> out(at.size(), kNoKey);
      parallel_for(at.size(), ctx_.threads, [&](std::size_t i, int) {
        if (const auto th = best_threshold(model, ctx_.constraints, at[i], ctx_.threshold)) out[i] = th->level;
      });
      return out;
    };
    race.error = [&](std::uint64_t level, double n) {
      const auto th = best_threshold(model, ctx_.constraints, n, ctx_.threshold, static_cast<std::size_t>(level));
      return th ? th->error : kInf;
    };
    std::map<double, std::uint64_t> known;
    for (std::size_t j = 0; j < ctx_.budgets.size(); ++j) known[ctx_.budgets[j]] = level_[j];
    const auto at = scan_points(lo, hi, ctx_.frontier_grid_per_decade, ctx_.budgets);
    const auto keys = keys_reusing(race, at, known);
    auto best_in_level = [&](std::uint64_t level, double n) -> std::shared_ptr<const StrategyInfo> {
      const auto th = best_threshold(model, ctx_.constraints, n, ctx_.threshold, static_cast<std::size_t>(level));
      if (!th) return nullptr;
      const NamedStrategy s = threshold_strategy(model, th->level, th->fraction);
      return strategy_info(model, s, Mixture(model, s.strategy));
    };
    return intervals_of(
        lo, hi, find_changes(at, keys, race, ctx_.plan_options.crossover_rel_tol), keys.front(),
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
  }

 private:
  std::vector<std::uint64_t> level_;  // the level of best() at each budget (kNoKey: none)
};

}  // namespace

std::unique_ptr<SearchFamily> make_threshold_family(const SearchContext& context) { return std::make_unique<ThresholdFamily>(context); }

}  // namespace qqt::detail
