// Exhaustive subset search. For the utility law a uniformly sampled subset M has w_i = S_i / U,
// P_i = U for every member and U~ = U, so (spec §5)
//   ln R(n) = beta0 ln(a min(U, n) / N0) + (1/U) sum_{i in M} S_i b_i H(lambda_i(U), n / U),
//   beta0 = (1/U) sum_{i in M} S_i b_i,   lambda_i(U) = ln 2 / (tau_i (U / S_i)^kappa),
// where H is detail::pass_sum. H depends on the subset only through U: one walk per (U, pool) serves
// every budget and every subset with that U. Under `irreducible: inside`, n_d = min(n, U) is inside
// the first pass of every member, so ln R(n_d) = beta0 ln(a min(U, n) / N0). The decay rate, the pass term and the closing formula
// are the law kernel's (law_kernel.hpp), shared with Mixture and FastUtility.
#include "qqt/subsets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include "fast_law.hpp"
#include "law_kernel.hpp"
#include "parallel.hpp"
#include "qqt/error.hpp"

namespace qqt {
namespace {

// Subsets with the same U are processed in slices of at most this many (one work item each).
constexpr std::size_t kSlice = 4096;

// The search's order: lower error, then lower mask. Independent of the order subsets are visited in.
bool better(double error, PoolMask mask, const SubsetBest& than) {
  if (than.mask == 0) return true;
  return error < than.error || (error == than.error && mask < than.mask);
}

}  // namespace

NamedStrategy subset_strategy(const Model& model, PoolMask mask) {
  const std::size_t m = model.pools.size();
  if (mask == 0 || (m < 32 && mask >> m != 0)) throw InternalError(fmt::format("subset_strategy: bad mask {}", mask));
  NamedStrategy s;
  s.strategy.fractions.assign(m, 0.0);
  std::vector<std::string> numbers;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < m; ++i) {
    if (mask >> i & 1u) {
      s.strategy.fractions[i] = 1.0;
      numbers.push_back(std::to_string(i + 1));
      names.push_back(model.pools[i].name);
    }
  }
  s.id = fmt::format("subset-{}", fmt::join(numbers, "+"));
  const bool prefix = (mask & (mask + 1)) == 0;  // pools 1..k
  s.label =
      prefix ? topk_strategies(model)[static_cast<std::size_t>(std::popcount(mask)) - 1].label : fmt::format("{}", fmt::join(names, " + "));
  return s;
}

SubsetSearch::SubsetSearch(const Model& model, const Constraints& constraints) : model_(&model), constraints_(constraints) {
  const std::size_t m = model.pools.size();
  if (m > kMaxSubsetPools) {
    throw InputError(
        fmt::format("--search subsets is exhaustive and handles at most {} pools; the config has {} "
                    "(use --search topk,threshold,mixture)",
                    kMaxSubsetPools, m));
  }
  validate(constraints_, model);
  const std::size_t count = std::size_t{1} << m;
  unique_.assign(count, 0.0);
  slope_.assign(count, 0.0);
  weights_ok_.assign(count, 0);
  for (std::size_t mask = 1; mask < count; ++mask) {
    double u = 0.0;
    for (std::size_t i = 0; i < m; ++i) {  // pool order, as Mixture sums U
      if (mask >> i & 1u) {
        u += model.pools[i].size_samples;
      }
    }
    unique_[mask] = u;
    slope_[mask] = 0.0;
    for (std::size_t i = 0; i < m; ++i) {  // beta0 = sum_i w_i b_i, w_i = S_i / U: |beta0| <= max |b_i|, no overflow
      if (mask >> i & 1u) slope_[mask] += model.pools[i].size_samples / u * model.pools[i].b;
    }
    bool ok = u <= constraints_.max_unique * (1 + kConstraintSlack);
    for (std::size_t i = 0; i < m && ok; ++i) {
      const double w = mask >> i & 1u ? model.pools[i].size_samples / u : 0.0;
      ok = w >= constraints_.lower(i) * (1 - kConstraintSlack) && w <= constraints_.upper(i) * (1 + kConstraintSlack);
    }
    weights_ok_[mask] = ok ? 1 : 0;
    if (ok) order_.push_back(static_cast<PoolMask>(mask));
  }
  std::stable_sort(order_.begin(), order_.end(), [&](PoolMask a, PoolMask b) { return unique_[a] < unique_[b]; });
}

bool SubsetSearch::feasible(PoolMask mask, double n) const {
  return mask != 0 && mask < unique_.size() && weights_ok_[mask] && n / unique_[mask] <= constraints_.max_passes * (1 + kConstraintSlack);
}

double SubsetSearch::error(PoolMask mask, double n) const {
  const Model& model = *model_;
  if (mask == 0 || mask >= unique_.size()) throw InternalError(fmt::format("SubsetSearch::error: bad mask {}", mask));
  if (model.params.law != LawKind::utility) return Mixture(model, subset_strategy(model, mask).strategy).error(n);
  const LawParams& p = model.params;
  const double u = unique_[mask];
  const double passes = n / u;
  double rest = 0.0;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    if (!(mask >> i & 1u)) continue;
    const Pool& pool = model.pools[i];
    rest += pool.size_samples / u * pool.b * detail::pass_sum(detail::decay_rate(pool, u, p.tau_scaling), passes);
  }
  const double l1 = std::log(p.a * std::min(u, n) / p.normalizer);
  return detail::close_utility(p, slope_[mask], l1, rest, 0.0);  // uniform: ln R(n_d) - beta0 l1 = 0
}

std::vector<SubsetBest> SubsetSearch::best(std::span<const double> budgets, int threads) const {
  // Budgets ascending (the pass-sum walks go upwards), results back in the caller's order.
  std::vector<std::size_t> idx(budgets.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return budgets[a] < budgets[b]; });
  std::vector<double> sorted(budgets.size());
  for (std::size_t j = 0; j < idx.size(); ++j) sorted[j] = budgets[idx[j]];
  std::vector<SubsetBest> sorted_best(sorted.size());
  if (model_->params.law == LawKind::utility) {
    best_utility(sorted, sorted_best, threads);
  } else {
    best_mixture(sorted, sorted_best, threads);
  }
  std::vector<SubsetBest> out(budgets.size());
  for (std::size_t j = 0; j < idx.size(); ++j) out[idx[j]] = sorted_best[j];
  return out;
}

void SubsetSearch::best_utility(std::span<const double> sorted, std::vector<SubsetBest>& out, int threads) const {
  const Model& model = *model_;
  const LawParams& p = model.params;
  const std::size_t m = model.pools.size();
  const std::size_t budgets = sorted.size();
  // Work items: runs of masks with the same U, cut into slices.
  struct Item {
    std::size_t begin, end;
  };
  std::vector<Item> items;
  for (std::size_t b = 0; b < order_.size();) {
    std::size_t e = b + 1;
    while (e < order_.size() && unique_[order_[e]] == unique_[order_[b]] && e - b < kSlice) ++e;
    items.push_back({b, e});
    b = e;
  }
  const int workers = std::max(1, threads);
  std::vector<std::vector<SubsetBest>> best(static_cast<std::size_t>(workers), std::vector<SubsetBest>(budgets));
  struct Scratch {
    std::vector<double> passes, l1, rest, sums;
  };
  std::vector<Scratch> scratch(static_cast<std::size_t>(workers));
  detail::parallel_for(items.size(), workers, [&](std::size_t item, int worker) {
    Scratch& s = scratch[static_cast<std::size_t>(worker)];
    std::vector<SubsetBest>& mine = best[static_cast<std::size_t>(worker)];
    const Item it = items[item];
    const double u = unique_[order_[it.begin]];
    // Budgets at which --max-passes allows U: a prefix of the ascending list.
    std::size_t feasible_end = 0;
    while (feasible_end < budgets && sorted[feasible_end] / u <= constraints_.max_passes * (1 + kConstraintSlack)) ++feasible_end;
    if (feasible_end == 0) return;
    s.passes.resize(feasible_end);
    s.l1.resize(feasible_end);
    s.rest.resize(feasible_end);
    s.sums.resize(m * feasible_end);
    for (std::size_t j = 0; j < feasible_end; ++j) {
      s.passes[j] = sorted[j] / u;
      s.l1[j] = std::log(p.a * std::min(u, sorted[j]) / p.normalizer);
    }
    PoolMask used = 0;
    for (std::size_t k = it.begin; k < it.end; ++k) used |= order_[k];
    for (std::size_t i = 0; i < m; ++i) {
      if (!(used >> i & 1u)) continue;
      detail::pass_sums(detail::decay_rate(model.pools[i], u, p.tau_scaling), s.passes,
                        std::span<double>(s.sums.data() + i * feasible_end, feasible_end));
    }
    for (std::size_t k = it.begin; k < it.end; ++k) {
      const PoolMask mask = order_[k];
      std::fill(s.rest.begin(), s.rest.end(), 0.0);
      for (std::size_t i = 0; i < m; ++i) {
        if (!(mask >> i & 1u)) continue;
        const double c = model.pools[i].size_samples / u * model.pools[i].b;  // w_i b_i
        const double* h = s.sums.data() + i * feasible_end;
        for (std::size_t j = 0; j < feasible_end; ++j) s.rest[j] += c * h[j];
      }
      const double beta0 = slope_[mask];
      for (std::size_t j = 0; j < feasible_end; ++j) {
        const double y = detail::close_utility(p, beta0, s.l1[j], s.rest[j], 0.0);
        if (std::isfinite(y) && better(y, mask, mine[j])) mine[j] = {mask, y};
      }
    }
  });
  for (std::size_t j = 0; j < budgets; ++j) {
    SubsetBest b;
    for (const auto& w : best) {
      if (w[j].mask != 0 && better(w[j].error, w[j].mask, b)) b = w[j];
    }
    out[j] = b;
  }
}

void SubsetSearch::best_mixture(std::span<const double> sorted, std::vector<SubsetBest>& out, int threads) const {
  const Model& model = *model_;
  constexpr std::size_t kChunk = 256;
  const std::size_t budgets = sorted.size();
  const int workers = std::max(1, threads);
  std::vector<std::vector<SubsetBest>> best(static_cast<std::size_t>(workers), std::vector<SubsetBest>(budgets));
  const std::size_t chunks = (order_.size() + kChunk - 1) / kChunk;
  detail::parallel_for(chunks, workers, [&](std::size_t chunk, int worker) {
    std::vector<SubsetBest>& mine = best[static_cast<std::size_t>(worker)];
    for (std::size_t k = chunk * kChunk; k < std::min(order_.size(), (chunk + 1) * kChunk); ++k) {
      const PoolMask mask = order_[k];
      const Mixture mix(model, subset_strategy(model, mask).strategy);
      for (std::size_t j = 0; j < budgets; ++j) {
        if (!feasible(mask, sorted[j])) break;  // ascending budgets: infeasible from here on
        const double y = mix.error(sorted[j]);
        if (better(y, mask, mine[j])) mine[j] = {mask, y};
      }
    }
  });
  for (std::size_t j = 0; j < budgets; ++j) {
    SubsetBest b;
    for (const auto& w : best) {
      if (w[j].mask != 0 && better(w[j].error, w[j].mask, b)) b = w[j];
    }
    out[j] = b;
  }
}

}  // namespace qqt
