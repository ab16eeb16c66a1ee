// The mixture family in the search: optimize_mixture (mixture_search.hpp) at every budget, seeded
// with the best top-k level and the earlier families' bests.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "qqt/mixture_search.hpp"
#include "search_family.hpp"

namespace qqt::detail {

namespace {

std::string mixture_label(const Model& model, const Strategy& s) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    if (s.weights[i] > 0) parts.push_back(fmt::format("{:.3g}% {}", 100.0 * s.weights[i], model.pools[i].name));
  }
  return fmt::format("{}", fmt::join(parts, " + "));
}

class MixtureFamily final : public SearchFamily {
 public:
  using SearchFamily::SearchFamily;
  Family family() const override { return Family::mixture; }
  bool costly() const override { return true; }

  void prepare() override { found_.assign(ctx_.budgets.size(), nullptr); }

  // Seeds: the planner's best top-k level (when feasible), then the earlier families' bests other
  // than topk's (which is that level). Warm-started from the optimum at `previous` when it has one.
  FamilyBest best(std::size_t j, std::span<const FamilyBest> earlier, std::optional<std::size_t> previous) override {
    const double n = ctx_.budgets[j];
    const BudgetPlan& b = ctx_.levels.budgets[j];
    std::vector<Strategy> seeds;
    if (const Candidate& top = b.candidates[b.best]; top.feasible) seeds.push_back(Strategy{top.info->fractions, top.info->weights});
    for (const FamilyBest& e : earlier) {
      if (e.family != Family::topk && e.best) seeds.push_back(Strategy{e.best->info->fractions, e.best->info->weights});
    }
    FamilyBest out{Family::mixture, std::nullopt, std::nullopt};
    const std::shared_ptr<const StrategyInfo> warm = previous ? found_[*previous] : nullptr;
    const auto opt = warm ? optimize_mixture_from(ctx_.model, ctx_.constraints, n, seeds, Strategy{warm->fractions, warm->weights},
                                                  ctx_.budgets[*previous], ctx_.mixture)
                          : optimize_mixture(ctx_.model, ctx_.constraints, n, seeds, ctx_.mixture);
    if (opt) {
      out.best = evaluate(ctx_.model, NamedStrategy{"mixture", mixture_label(ctx_.model, opt->strategy), opt->strategy}, n);
      out.summary = opt->summary;
      found_[j] = out.best->info;
    }
    return out;
  }

  // No bisection (each point is an optimisation): the requested budgets grouped by the pools used.
  std::vector<FrontierInterval> frontier(double, double) override {
    const auto& budgets = ctx_.budgets;
    std::vector<std::size_t> order(budgets.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return budgets[a] < budgets[b]; });
    std::vector<FrontierInterval> out;
    for (std::size_t j : order) {
      const auto& info = found_[j];
      if (!out.empty()) {
        FrontierInterval& last = out.back();
        const bool same = (last.at_to == nullptr) == (info == nullptr) && (!info || last.at_to->pools == info->pools);
        if (same) {
          last.to = budgets[j];
          last.at_to = info;
          continue;
        }
      }
      out.push_back({budgets[j], budgets[j], info ? "mixture" : "", info, info});
    }
    return out;
  }

 private:
  std::vector<std::shared_ptr<const StrategyInfo>> found_;  // the optimum at each budget (null: none)
};

}  // namespace

std::unique_ptr<SearchFamily> make_mixture_family(const SearchContext& context) { return std::make_unique<MixtureFamily>(context); }

}  // namespace qqt::detail
