// The subsets family in the search: SubsetSearch (subsets.hpp) over all budgets at once.
#include <fmt/format.h>

#include <optional>

#include "qqt/subsets.hpp"
#include "search_family.hpp"

namespace qqt::detail {

std::string subsets_unavailable(const Model& model) {
  if (model.pools.size() <= kMaxSubsetPools) return {};
  return fmt::format("--search subsets is exhaustive and handles at most {} pools; the config has {}", kMaxSubsetPools, model.pools.size());
}

namespace {

class SubsetsFamily final : public SearchFamily {
 public:
  using SearchFamily::SearchFamily;
  Family family() const override { return Family::subsets; }

  void prepare() override {
    search_.emplace(ctx_.model, ctx_.constraints);
    best_ = search_->best(ctx_.budgets, ctx_.threads);
    for (const auto& sb : best_) {
      if (sb.mask != 0) info(sb.mask);  // in budget order: deterministic, and best() only reads the cache
    }
  }

  FamilyBest best(std::size_t j, std::span<const FamilyBest>, std::optional<std::size_t>) override {
    FamilyBest out{Family::subsets, std::nullopt, std::nullopt};
    if (const PoolMask mask = best_[j].mask; mask != 0) {
      out.best = evaluate(infos_.at(mask), Mixture(ctx_.model, subset_strategy(ctx_.model, mask).strategy), ctx_.budgets[j]);
    }
    return out;
  }

  std::vector<FrontierInterval> frontier(double lo, double hi) override {
    Race race;
    race.keys = [&](const std::vector<double>& at) {
      std::vector<std::uint64_t> out;
      for (const auto& sb : search_->best(at, ctx_.threads)) out.push_back(sb.mask == 0 ? kNoKey : sb.mask);
      return out;
    };
    race.error = [&](std::uint64_t mask, double n) {
      const auto m = static_cast<PoolMask>(mask);
      return search_->feasible(m, n) ? search_->error(m, n) : kInf;
    };
    std::map<double, std::uint64_t> known;
    for (std::size_t j = 0; j < ctx_.budgets.size(); ++j) known[ctx_.budgets[j]] = best_[j].mask == 0 ? kNoKey : best_[j].mask;
    const auto at = scan_points(lo, hi, ctx_.frontier_grid_per_decade, ctx_.budgets);
    const auto keys = keys_reusing(race, at, known);
    return intervals_of(
        lo, hi, find_changes(at, keys, race, ctx_.plan_options.crossover_rel_tol), keys.front(),
        [&](std::uint64_t mask) { return subset_strategy(ctx_.model, static_cast<PoolMask>(mask)).id; },
        [&](std::uint64_t mask, double, double) {
          const auto i = info(static_cast<PoolMask>(mask));
          return std::make_pair(i, i);
        });
  }

 private:
  std::shared_ptr<const StrategyInfo> info(PoolMask mask) {
    auto& i = infos_[mask];
    if (!i) {
      const NamedStrategy s = subset_strategy(ctx_.model, mask);
      i = strategy_info(ctx_.model, s, Mixture(ctx_.model, s.strategy));
    }
    return i;
  }

  std::optional<SubsetSearch> search_;
  std::vector<SubsetBest> best_;
  std::map<PoolMask, std::shared_ptr<const StrategyInfo>> infos_;
};

}  // namespace

std::unique_ptr<SearchFamily> make_subsets_family(const SearchContext& context) { return std::make_unique<SubsetsFamily>(context); }

}  // namespace qqt::detail
