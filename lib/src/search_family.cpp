#include "search_family.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "qqt/error.hpp"

namespace qqt::detail {

namespace {

std::string always_available(const Model&) { return {}; }

// The table: one row per family, in the order of Family.
const std::array<FamilyEntry, 4> kFamilyTable{{
    {Family::topk, always_available, make_topk_family},
    {Family::subsets, subsets_unavailable, make_subsets_family},
    {Family::threshold, always_available, make_threshold_family},
    {Family::mixture, always_available, make_mixture_family},
}};

// Resolves one change between budgets a (best A) and b (best B): bisect the race of A and B, then
// check that nobody beats both at the crossing; if someone does, it has its own interval in between.
void resolve(const Race& race, double a, std::uint64_t A, double b, std::uint64_t B, double rel_tol, int depth, std::vector<Change>& out) {
  auto a_wins = [&](double n) {
    const double ea = A == kNoKey ? kInf : race.error(A, n);
    const double eb = B == kNoKey ? kInf : race.error(B, n);
    return ea < eb || (ea == eb && ea != kInf);
  };
  const double at = bisect_log(a, b, rel_tol, a_wins).at();
  const std::uint64_t there = race.keys({at}).front();
  if (there == A || there == B || depth >= 16 || !(at > a && at < b)) {
    out.push_back({at, A, B});
    return;
  }
  resolve(race, a, A, at, there, rel_tol, depth + 1, out);
  resolve(race, at, there, b, B, rel_tol, depth + 1, out);
}

}  // namespace

std::span<const FamilyEntry> family_table() { return kFamilyTable; }

const FamilyEntry& family_entry(Family family) {
  for (const FamilyEntry& e : kFamilyTable) {
    if (e.family == family) return e;
  }
  throw InternalError(fmt::format("family {} is not in the family table", to_string(family)));
}

std::vector<Change> find_changes(const std::vector<double>& at, const std::vector<std::uint64_t>& keys, const Race& race, double rel_tol) {
  std::vector<Change> out;
  for (std::size_t i = 1; i < at.size(); ++i) {
    if (keys[i] != keys[i - 1]) resolve(race, at[i - 1], keys[i - 1], at[i], keys[i], rel_tol, 0, out);
  }
  return out;
}

std::vector<double> scan_points(double lo, double hi, int per_decade, const std::vector<double>& given) {
  std::vector<double> out = log_grid(lo, hi, per_decade);
  for (double n : given) {
    if (n >= lo && n <= hi) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint64_t> keys_reusing(const Race& race, const std::vector<double>& at, const std::map<double, std::uint64_t>& known) {
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
}

std::vector<FrontierInterval> intervals_of(double lo, double hi, const std::vector<Change>& changes, std::uint64_t first,
                                           const std::function<std::string(std::uint64_t)>& name,
                                           const std::function<Ends(std::uint64_t, double, double)>& ends) {
  std::vector<FrontierInterval> out;
  double from = lo;
  std::uint64_t key = first;
  for (std::size_t i = 0; i <= changes.size(); ++i) {
    const double to = i < changes.size() ? changes[i].at : hi;
    FrontierInterval iv{from, to, key == kNoKey ? std::string() : name(key), nullptr, nullptr};
    if (key != kNoKey) std::tie(iv.at_from, iv.at_to) = ends(key, from, to);
    out.push_back(std::move(iv));
    if (i < changes.size()) {
      from = to;
      key = changes[i].to;
    }
  }
  return out;
}

Race level_race(const Model& model, const Constraints& constraints) {
  auto mixtures = std::make_shared<std::vector<Mixture>>();
  for (const auto& s : topk_strategies(model)) mixtures->emplace_back(model, s.strategy);
  Race race;
  race.error = [mixtures, &model, &constraints](std::uint64_t k, double n) {
    const Mixture& mix = (*mixtures)[k];
    return violation(constraints, model, mix, n).empty() ? mix.error(n) : kInf;
  };
  race.keys = [mixtures, error = race.error](const std::vector<double>& at) {
    std::vector<std::uint64_t> out;
    std::vector<double> errors(mixtures->size());
    for (double n : at) {
      for (std::size_t k = 0; k < errors.size(); ++k) errors[k] = error(k, n);
      const auto best = rank(errors).best;
      out.push_back(best ? *best : kNoKey);
    }
    return out;
  };
  return race;
}

}  // namespace qqt::detail
