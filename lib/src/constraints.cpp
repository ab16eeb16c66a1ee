#include "qqt/constraints.hpp"

#include <fmt/format.h>

#include <cmath>

#include "qqt/error.hpp"
#include "qqt/quantity.hpp"
#include "qqt/text.hpp"

namespace qqt {
namespace {

double total_size(const Model& model) {
  double total = 0.0;
  for (const auto& p : model.pools) total += p.size_samples;
  return total;
}

// A weight bound from --weight-bounds: a finite number in [0, 1].
double parse_bound(std::string_view text, std::string_view item, const char* which) {
  const std::string_view s = trim(text);
  const ParsedNumber number = parse_number(s);
  const double v = number.value;
  if (!number.ok() || v < 0 || v > 1) {
    throw InputError(fmt::format("--weight-bounds: the {} bound '{}' in '{}' must be a number in [0, 1]", which, s, item));
  }
  return v;
}

}  // namespace

bool Constraints::any() const {
  if (max_passes != kNoLimit || max_unique != kNoLimit) return true;
  for (double lo : min_weight) {
    if (lo > 0) return true;
  }
  for (double hi : max_weight) {
    if (hi < 1) return true;
  }
  return false;
}

void validate(const Constraints& c, const Model& model) {
  const std::size_t m = model.pools.size();
  if (!(c.max_passes >= 1)) {
    throw InputError(fmt::format("--max-passes must be a number >= 1 (passes over each used pool), got {}", c.max_passes));
  }
  if (!(c.max_unique > 0)) {
    throw InputError(fmt::format("--max-unique must be a sample count > 0, got {}", c.max_unique));
  }
  if (!c.min_weight.empty() && c.min_weight.size() != m) {
    throw InternalError(fmt::format("min_weight has {} entries for {} pools", c.min_weight.size(), m));
  }
  if (!c.max_weight.empty() && c.max_weight.size() != m) {
    throw InternalError(fmt::format("max_weight has {} entries for {} pools", c.max_weight.size(), m));
  }
  double sum_lo = 0.0;
  double sum_hi = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    const double lo = c.lower(i);
    const double hi = c.upper(i);
    if (!(lo >= 0 && lo <= 1) || !(hi >= 0 && hi <= 1)) {
      throw InputError(fmt::format("weight bounds of pool '{}' must be in [0, 1], got {}:{}", model.pools[i].name, lo, hi));
    }
    if (lo > hi) {
      throw InputError(
          fmt::format("weight bounds of pool '{}': the lower bound {} exceeds the upper bound {}", model.pools[i].name, lo, hi));
    }
    sum_lo += lo;
    sum_hi += hi;
  }
  if (sum_lo > 1 + kConstraintSlack) {
    throw InputError(
        fmt::format("weight bounds cannot hold weights summing to 1: the lower bounds (--min-weight, "
                    "--weight-bounds) sum to {:.6g} > 1",
                    sum_lo));
  }
  if (sum_hi < 1 - kConstraintSlack) {
    throw InputError(
        fmt::format("weight bounds cannot hold weights summing to 1: the upper bounds (--max-weight, "
                    "--weight-bounds) sum to {:.6g} < 1",
                    sum_hi));
  }
}

void set_weight_bounds(Constraints& c, const Model& model, std::optional<double> min_all, std::optional<double> max_all,
                       std::string_view per_pool) {
  const std::size_t m = model.pools.size();
  if (min_all && !(*min_all >= 0 && *min_all <= 1)) throw InputError(fmt::format("--min-weight must be in [0, 1], got {}", *min_all));
  if (max_all && !(*max_all >= 0 && *max_all <= 1)) throw InputError(fmt::format("--max-weight must be in [0, 1], got {}", *max_all));
  if (min_all && max_all && *min_all > *max_all) {
    throw InputError(fmt::format("--min-weight {} exceeds --max-weight {}", *min_all, *max_all));
  }
  c.min_weight.assign(m, min_all.value_or(0.0));
  c.max_weight.assign(m, max_all.value_or(1.0));
  std::vector<std::string> names;
  for (const auto& p : model.pools) names.push_back(p.name);
  std::vector<bool> seen(m, false);
  const std::vector<std::string_view> items = trim(per_pool).empty() ? std::vector<std::string_view>{} : split_list(per_pool);
  for (const std::string_view item : items) {  // NAME=LO:HI
    const std::size_t eq = item.rfind('=');
    const std::size_t colon = eq == std::string_view::npos ? std::string_view::npos : item.find(':', eq);
    if (eq == std::string_view::npos || colon == std::string_view::npos) {
      throw InputError(fmt::format("--weight-bounds: '{}' must have the form NAME=LO:HI (LO or HI may be empty)", item));
    }
    const std::string name(trim(item.substr(0, eq)));
    std::size_t index = m;
    for (std::size_t i = 0; i < m; ++i) {
      if (names[i] == name) index = i;
    }
    if (index == m) {
      const std::string hint = closest_match(name, names);
      throw InputError(
          fmt::format("--weight-bounds: no pool named '{}'{}", name,
                      hint.empty() ? fmt::format(" (pools: {})", fmt::join(names, ", ")) : fmt::format(" (did you mean '{}'?)", hint)));
    }
    if (seen[index]) throw InputError(fmt::format("--weight-bounds: pool '{}' is given twice", name));
    seen[index] = true;
    const std::string_view lo_text = trim(item.substr(eq + 1, colon - eq - 1));
    const std::string_view hi_text = trim(item.substr(colon + 1));
    if (!lo_text.empty()) c.min_weight[index] = parse_bound(lo_text, item, "lower");
    if (!hi_text.empty()) c.max_weight[index] = parse_bound(hi_text, item, "upper");
    if (c.min_weight[index] > c.max_weight[index]) {
      throw InputError(fmt::format("--weight-bounds: in '{}' the lower bound {} exceeds the upper bound {}", item, c.min_weight[index],
                                   c.max_weight[index]));
    }
  }
  validate(c, model);
}

std::string violation(const Constraints& c, const Model& model, std::span<const double> fractions, std::span<const double> weights,
                      double n) {
  const std::size_t m = model.pools.size();
  double unique_total = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    if (weights[i] > 0) unique_total += fractions[i] * model.pools[i].size_samples;
  }
  if (unique_total > c.max_unique * (1 + kConstraintSlack)) {
    return fmt::format("keeps {} unique samples, more than --max-unique {}", unique_total, c.max_unique);
  }
  for (std::size_t i = 0; i < m; ++i) {
    const double w = weights[i];
    const Pool& pool = model.pools[i];
    if (w < c.lower(i) * (1 - kConstraintSlack)) {
      return fmt::format("weight {} of pool '{}' is below its lower bound {}", w, pool.name, c.lower(i));
    }
    if (w > c.upper(i) * (1 + kConstraintSlack)) {
      return fmt::format("weight {} of pool '{}' is above its upper bound {}", w, pool.name, c.upper(i));
    }
    if (w > 0) {
      const double passes = n * w / (fractions[i] * pool.size_samples);
      if (passes > c.max_passes * (1 + kConstraintSlack)) {
        return fmt::format("repeats pool '{}' {} times, more than --max-passes {}", pool.name, passes, c.max_passes);
      }
    }
  }
  return {};
}

std::string violation(const Constraints& c, const Model& model, const Mixture& mixture, double n) {
  return violation(c, model, mixture.fractions(), mixture.weights(), n);
}

void check_budget_feasible(const Constraints& c, const Model& model, double n) {
  if (c.max_passes == kNoLimit) return;
  const double need = n / c.max_passes;  // U >= n / R, since sum_i w_i = 1 and n w_i <= R u_i
  const double total = total_size(model);
  if (need > total * (1 + kConstraintSlack)) {
    throw InputError(
        fmt::format("no strategy meets --max-passes {} at budget {}: it needs at least {} unique samples, "
                    "but the pools hold only {}",
                    c.max_passes, format_count(n), format_count(need), format_count(total)));
  }
  if (need > c.max_unique * (1 + kConstraintSlack)) {
    throw InputError(
        fmt::format("no strategy meets --max-passes {} and --max-unique {} at budget {}: it needs at least "
                    "{} unique samples",
                    c.max_passes, format_count(c.max_unique), format_count(n), format_count(need)));
  }
  // Pool i can take at most weight R S_i / n (all of it kept, repeated R times).
  double sum_hi = 0.0;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    const double cap = c.max_passes * model.pools[i].size_samples / n;
    if (c.lower(i) > cap * (1 + kConstraintSlack)) {
      throw InputError(
          fmt::format("no strategy meets --max-passes {} at budget {}: pool '{}' can take at most weight {:.6g}, "
                      "below its lower bound {}",
                      c.max_passes, format_count(n), model.pools[i].name, cap, c.lower(i)));
    }
    sum_hi += std::min(c.upper(i), cap);
  }
  if (sum_hi < 1 - kConstraintSlack) {
    throw InputError(
        fmt::format("no strategy meets --max-passes {} with the weight bounds at budget {}: the pools can "
                    "take at most weights summing to {:.6g} < 1",
                    c.max_passes, format_count(n), sum_hi));
  }
}

std::string describe(const Constraints& c, const Model& model) {
  std::vector<std::string> parts;
  if (c.max_passes != kNoLimit) parts.push_back(fmt::format("--max-passes {}", c.max_passes));
  if (c.max_unique != kNoLimit) parts.push_back(fmt::format("--max-unique {}", format_count(c.max_unique)));
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    if (c.lower(i) > 0 || c.upper(i) < 1) parts.push_back(fmt::format("{}={}:{}", model.pools[i].name, c.lower(i), c.upper(i)));
  }
  return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace qqt
