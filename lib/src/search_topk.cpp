// The topk family in the search: the planner's best filter level under the constraints.
#include <fmt/format.h>

#include "search_family.hpp"

namespace qqt::detail {

namespace {

class TopkFamily final : public SearchFamily {
 public:
  using SearchFamily::SearchFamily;
  Family family() const override { return Family::topk; }

  FamilyBest best(std::size_t j, std::span<const FamilyBest>, std::optional<std::size_t>) override {
    const BudgetPlan& b = ctx_.levels.budgets[j];
    FamilyBest out{Family::topk, std::nullopt, std::nullopt};
    if (b.candidates[b.best].feasible) out.best = b.candidates[b.best];
    return out;
  }

  // The boundaries are the planner's crossovers (recomputed under the constraints by the search).
  std::vector<FrontierInterval> frontier(double lo, double hi) override {
    const std::vector<NamedStrategy> levels = topk_strategies(ctx_.model);
    auto index_of = [&](const std::string& id) {
      for (std::size_t k = 0; k < levels.size(); ++k) {
        if (levels[k].id == id) return static_cast<std::uint64_t>(k);
      }
      return kNoKey;
    };
    std::vector<Change> changes;
    for (const auto& x : ctx_.levels.crossovers) changes.push_back({x.budget_samples, index_of(x.from), index_of(x.to)});
    const Race race = level_race(ctx_.model, ctx_.constraints);
    return intervals_of(
        lo, hi, changes, race.keys({lo}).front(), [&](std::uint64_t k) { return levels[k].id; },
        [&](std::uint64_t k, double, double) {
          const auto& info = ctx_.levels.budgets.front().candidates[k].info;
          return std::make_pair(info, info);
        });
  }
};

}  // namespace

std::unique_ptr<SearchFamily> make_topk_family(const SearchContext& context) { return std::make_unique<TopkFamily>(context); }

}  // namespace qqt::detail
