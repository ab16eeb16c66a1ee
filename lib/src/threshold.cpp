// Continuous filter levels. Along U (kept size) the error is smooth except at
//   - U = n / j (j = 1, 2, ...): the passes n / U cross an integer, floor() in the law (spec §2), and
//     at j = 1 also min(U, n) in the first-pass term;
//   - U = S_1 + ... + S_k: the partial pool changes.
// Between those points it is smooth, but not unimodal overall: a kink can itself be a local minimum
// (the slope jumps there) and a smooth piece can have one inside. The search samples every level's
// ends, an even grid and the kinks themselves (fewest passes first, up to a cap), then refines the
// lowest local minima of the samples by golden-section search inside their neighbours' bracket.
#include "qqt/threshold.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>
#include <vector>

#include "fast_law.hpp"
#include "law_kernel.hpp"
#include "qqt/error.hpp"
#include "qqt/quantity.hpp"

namespace qqt {

void validate(const ThresholdOptions& o) {
  if (o.grid_per_level < 2 || o.grid_per_level > 10000) {
    throw InputError(fmt::format("threshold grid_per_level must be in [2, 10000], got {}", o.grid_per_level));
  }
  if (o.max_kinks < 0 || o.max_kinks > 1000000) {
    throw InputError(fmt::format("threshold max_kinks must be in [0, 1000000], got {}", o.max_kinks));
  }
  if (o.max_refinements < 1 || o.max_refinements > 1000) {
    throw InputError(fmt::format("threshold max_refinements must be in [1, 1000], got {}", o.max_refinements));
  }
  if (!(o.min_fraction > 0 && o.min_fraction <= 1)) {
    throw InputError(fmt::format("threshold min_fraction must be in (0, 1], got {}", o.min_fraction));
  }
  if (!(o.x_tol_rel >= 1e-15 && o.x_tol_rel <= 1e-3)) {
    throw InputError(fmt::format("threshold x_tol_rel must be in [1e-15, 1e-3], got {}", o.x_tol_rel));
  }
  if (!(o.max_walked_segments >= 1e5 && o.max_walked_segments <= 1e10)) {
    throw InputError(fmt::format("threshold max_walked_segments must be in [1e5, 1e10], got {}", o.max_walked_segments));
  }
}

NamedStrategy threshold_strategy(const Model& model, std::size_t level, double fraction) {
  const std::size_t m = model.pools.size();
  if (level < 1 || level > m || !(fraction > 0 && fraction <= 1)) {
    throw InternalError(fmt::format("threshold_strategy: bad level {} or fraction {}", level, fraction));
  }
  NamedStrategy s;
  s.id = fmt::format("threshold-{}", level);
  s.strategy.fractions.assign(m, 0.0);
  bool shares = true;
  double share = 0.0;
  for (std::size_t i = 0; i < level; ++i) {
    s.strategy.fractions[i] = i + 1 < level ? 1.0 : fraction;
    shares = shares && model.pools[i].share.has_value();
    if (model.pools[i].share) share += s.strategy.fractions[i] * *model.pools[i].share;
  }
  if (shares) {
    s.label = fmt::format("top {:.3g}%", 100.0 * share);
  } else {
    const auto whole = [](std::size_t k) { return k == 1 ? std::string("pool 1") : fmt::format("pools 1-{}", k); };
    if (fraction == 1.0) {
      s.label = whole(level);
    } else {
      s.label = (level > 1 ? whole(level - 1) + " + " : std::string()) + fmt::format("{:.3g}% of pool {}", 100.0 * fraction, level);
    }
  }
  return s;
}

namespace {

// Error as a function of U for one budget: maps U to (level, fraction) and evaluates.
class LevelCurve {
 public:
  LevelCurve(const Model& model, double n) : model_(model), n_(n), cumulative_(model.pools.size() + 1, 0.0) {
    for (std::size_t i = 0; i < model.pools.size(); ++i) cumulative_[i + 1] = cumulative_[i] + model.pools[i].size_samples;
    if (model.params.law == LawKind::utility) fast_.emplace(model);
    kept_.resize(model.pools.size());
    weights_.resize(model.pools.size());
  }

  double cumulative(std::size_t k) const { return cumulative_[k]; }

  // (level, fraction) of kept size U: the first level whose whole size reaches U.
  std::pair<std::size_t, double> level_of(double u) const {
    std::size_t k = 1;
    while (k < model_.pools.size() && u > cumulative_[k]) ++k;
    const double f = std::clamp((u - cumulative_[k - 1]) / model_.pools[k - 1].size_samples, 0.0, 1.0);
    // A used pool keeps at least one sample (spec §2): less than one of pool k is none of it.
    if (k > 1 && f * model_.pools[k - 1].size_samples < 1) return {k - 1, 1.0};
    return {k, std::max(f, detail::one_sample_fraction(model_.pools[k - 1].size_samples))};
  }

  double operator()(double u) {
    ++evaluations_;
    const auto [k, f] = level_of(u);
    std::fill(kept_.begin(), kept_.end(), 0.0);
    std::fill(weights_.begin(), weights_.end(), 0.0);
    double total = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      kept_[i] = (i + 1 < k ? 1.0 : f) * model_.pools[i].size_samples;
      total += kept_[i];
    }
    if (fast_) {
      for (std::size_t i = 0; i < k; ++i) weights_[i] = kept_[i] / total;
      return fast_->error(kept_, weights_, n_);
    }
    Strategy s;
    s.fractions.assign(model_.pools.size(), 0.0);
    for (std::size_t i = 0; i < k; ++i) s.fractions[i] = i + 1 < k ? 1.0 : f;
    const Mixture mix(model_, s);
    const double y = mix.error(n_);
    walked_ += mix.walked_segments();
    return y;
  }

  std::size_t evaluations() const { return evaluations_; }
  /// Pass segments walked by all evaluations so far (effective-data law; 0 for the utility law).
  double walked() const { return walked_; }

 private:
  const Model& model_;
  double n_;
  std::vector<double> cumulative_;
  std::optional<detail::FastUtility> fast_;
  std::vector<double> kept_, weights_;
  std::size_t evaluations_ = 0;
  double walked_ = 0.0;
};

struct Interval {
  double lo, hi;
};

// The kept sizes U of level k (pools 1..k-1 whole, part of pool k) that meet the constraints at n.
// Bounds are relaxed by 1e-12 relative only, so that a single feasible point (e.g. weights pinned by
// --min-weight = --max-weight) survives rounding, while results stay well inside violation()'s slack.
std::optional<Interval> feasible_interval(const Model& model, const Constraints& c, const LevelCurve& curve, std::size_t k, double n,
                                          double min_fraction) {
  constexpr double kIntervalSlack = 1e-12;
  const double slack_up = 1 + kIntervalSlack;
  const double slack_down = 1 - kIntervalSlack;
  const double below = curve.cumulative(k - 1);
  // Level 1 keeps at least min_fraction of pool 1 and at least one sample (spec §2).
  double lo = k == 1 ? std::max(min_fraction * model.pools[0].size_samples, 1.0) : below;
  double hi = curve.cumulative(k);
  lo = std::max(lo, n / (c.max_passes * slack_up));
  hi = std::min(hi, c.max_unique * slack_up);
  for (std::size_t j = k; j < model.pools.size(); ++j) {
    if (c.lower(j) > 0) return std::nullopt;  // pool j must be used but is left out
  }
  if (c.upper(k - 1) == 0) return std::nullopt;
  for (std::size_t i = 0; i + 1 < k; ++i) {  // whole pools: w_i = S_i / U
    const double s = model.pools[i].size_samples;
    if (c.upper(i) == 0) return std::nullopt;
    lo = std::max(lo, s / (c.upper(i) * slack_up));
    if (c.lower(i) > 0) hi = std::min(hi, s / (c.lower(i) * slack_down));
  }
  // the partial pool: w_k = 1 - below / U
  if (k > 1) {
    if (c.lower(k - 1) > 0) lo = std::max(lo, c.lower(k - 1) >= 1 ? hi * 2 : below / (1 - c.lower(k - 1) * slack_down));
    if (c.upper(k - 1) < 1) hi = std::min(hi, below / (1 - std::min(1.0, c.upper(k - 1) * slack_up)));
  } else if (c.upper(0) * slack_up < 1) {
    return std::nullopt;  // level 1 puts all weight on pool 1
  }
  if (!(lo <= hi)) return std::nullopt;
  return Interval{lo, hi};
}

struct Sample {
  double u;
  double error;
  std::size_t interval;
};

}  // namespace

std::optional<ThresholdOptimum> best_threshold(const Model& model, const Constraints& constraints, double n,
                                               const ThresholdOptions& options, std::size_t only_level) {
  validate(options);
  const std::size_t m = model.pools.size();
  if (only_level > m) throw InternalError(fmt::format("best_threshold: level {} of {}", only_level, m));
  LevelCurve curve(model, n);
  std::vector<Interval> intervals;
  for (std::size_t k = only_level == 0 ? 1 : only_level; k <= (only_level == 0 ? m : only_level); ++k) {
    if (auto iv = feasible_interval(model, constraints, curve, k, n, options.min_fraction)) intervals.push_back(*iv);
  }
  if (intervals.empty()) return std::nullopt;

  // Sample points: ends and an even grid per level (rank 0), then kinks U = n / j, fewest passes
  // (largest U) first (rank 1, 2, ...). Under the effective-data law every evaluation walks pass
  // segments, so the work is bounded (options.max_walked_segments): the grid is always evaluated
  // (refused past 4x the bound), the kinks by rank while the bound allows.
  struct Point {
    double u;
    std::size_t interval;
    std::size_t rank;
  };
  std::vector<Point> points;
  for (std::size_t v = 0; v < intervals.size(); ++v) {
    const Interval iv = intervals[v];
    for (int g = 0; g < options.grid_per_level; ++g) {
      const double t = static_cast<double>(g) / (options.grid_per_level - 1);
      points.push_back({g + 1 == options.grid_per_level ? iv.hi : iv.lo + t * (iv.hi - iv.lo), v, 0});
    }
  }
  std::size_t kinks_left = static_cast<std::size_t>(options.max_kinks);
  std::size_t rank = 0;
  for (std::size_t v = intervals.size(); v-- > 0 && kinks_left > 0;) {
    const Interval iv = intervals[v];
    for (double j = std::ceil(n / iv.hi); kinks_left > 0 && n / j >= iv.lo; j += 1.0, --kinks_left) {
      const double u = n / j;
      if (u <= iv.hi) points.push_back({u, v, ++rank});
    }
  }
  // Unique by (U, interval), a grid point winning over a kink at the same place.
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return std::tie(a.u, a.interval, a.rank) < std::tie(b.u, b.interval, b.rank); });
  points.erase(
      std::unique(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.u == b.u && a.interval == b.interval; }),
      points.end());
  std::vector<std::size_t> by_rank(points.size());
  std::iota(by_rank.begin(), by_rank.end(), std::size_t{0});
  std::stable_sort(by_rank.begin(), by_rank.end(), [&](std::size_t a, std::size_t b) { return points[a].rank < points[b].rank; });
  const double bound = options.max_walked_segments;
  bool capped = false;
  std::vector<double> values(points.size(), std::numeric_limits<double>::quiet_NaN());
  for (const std::size_t p : by_rank) {
    if (points[p].rank > 0 && curve.walked() >= bound) {
      capped = true;
      break;
    }
    values[p] = curve(points[p].u);
    if (points[p].rank == 0 && curve.walked() > 2 * bound) {
      throw NumericalError(
          fmt::format("threshold search: at budget {} the effective-data law needs more than {:g} pass segments for the level "
                      "grid alone (docs/performance.md, bounded search time); use a smaller budget, --search topk or the utility law",
                      format_count(n), 2 * bound));
    }
  }
  std::vector<Sample> samples;
  samples.reserve(points.size());
  for (std::size_t p = 0; p < points.size(); ++p) {
    if (!std::isnan(values[p])) samples.push_back({points[p].u, values[p], points[p].interval});
  }
  const std::size_t sampled = curve.evaluations();

  // Local minima of the samples within each interval, lowest first.
  std::vector<std::size_t> minima;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const bool left_ok = i == 0 || samples[i - 1].interval != samples[i].interval || samples[i].error <= samples[i - 1].error;
    const bool right_ok =
        i + 1 == samples.size() || samples[i + 1].interval != samples[i].interval || samples[i].error <= samples[i + 1].error;
    if (left_ok && right_ok) minima.push_back(i);
  }
  std::stable_sort(minima.begin(), minima.end(), [&](std::size_t a, std::size_t b) { return samples[a].error < samples[b].error; });
  if (minima.size() > static_cast<std::size_t>(options.max_refinements)) minima.resize(static_cast<std::size_t>(options.max_refinements));

  double best_u = samples[minima.front()].u;
  double best_y = samples[minima.front()].error;
  const double sampled_best = best_y;
  const double inv_phi = (std::sqrt(5.0) - 1) / 2;
  for (std::size_t i : minima) {
    if (curve.walked() >= bound) {
      capped = true;
      break;
    }
    const Sample& s = samples[i];
    double a = i > 0 && samples[i - 1].interval == s.interval ? samples[i - 1].u : s.u;
    double b = i + 1 < samples.size() && samples[i + 1].interval == s.interval ? samples[i + 1].u : s.u;
    // Golden-section search on [a, b], keeping the best point seen (the sample itself included).
    double c = b - inv_phi * (b - a);
    double d = a + inv_phi * (b - a);
    double yc = c > a && c < b ? curve(c) : s.error;
    double yd = d > a && d < b ? curve(d) : s.error;
    auto keep = [&](double u, double y) {
      if (y < best_y) {
        best_y = y;
        best_u = u;
      }
    };
    keep(c, yc);
    keep(d, yd);
    while (b - a > options.x_tol_rel * b) {
      if (curve.walked() >= bound) {
        capped = true;
        break;
      }
      if (yc <= yd) {
        b = d;
        d = c;
        yd = yc;
        c = b - inv_phi * (b - a);
        yc = curve(c);
        keep(c, yc);
      } else {
        a = c;
        c = d;
        yc = yd;
        d = a + inv_phi * (b - a);
        yd = curve(d);
        keep(d, yd);
      }
    }
  }
  ThresholdOptimum out;
  std::tie(out.level, out.fraction) = curve.level_of(best_u);
  // U of the strategy reported (best_u may sit in the sub-sample gap that level_of maps to no data).
  out.unique_samples = curve.cumulative(out.level - 1) + out.fraction * model.pools[out.level - 1].size_samples;
  out.error = best_y;
  out.evaluations = curve.evaluations();
  out.samples = sampled;
  out.walked_segments = curve.walked();
  out.work_capped = capped;
  out.sampled_error = sampled_best;
  return out;
}

}  // namespace qqt
