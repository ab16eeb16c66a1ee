// Free mixtures: minimise y(n) over kept fractions f and weights w (docs/search.md "mixture").
//
// Variables, all in [0, 1] (NLopt box bounds):
//   z_i  weight variables. w = the projection of z onto {sum w = 1, lo_i <= w_i <= hi_i}, where hi_i
//        also includes --max-passes: n w_i <= R S_i (pool i kept whole, repeated R times).
//   t_i  kept-size variables, only in the `free` fraction mode below.
// Kept sizes: a used pool keeps c_i = min(S_i, n w_i) samples (only_seen: no more than the budget
// draws from it) or c_i = S_i, and at least r_i = n w_i / R (to stay under R passes). Then
//   most    u_i = c_i, when --max-unique does not bind (sum c_i <= N for every w);
//   free    u_i = r_i + t_i (c_i - r_i), then u_i = r_i + s (u_i - r_i) with one s <= 1 for all
//           pools so that sum u <= N (--max-unique);
//   scaled  u_i = r_i + s (c_i - r_i), the same without t: every pool gives up the same share.
// Every x in the box maps to a strategy that meets the constraints, so the problem is box-constrained.
//
// Every used pool keeps at least one sample (u_i >= 1, spec §2): least and most are at least 1, and
// with only_seen a weight too small to draw one sample at budget n (n w_i < 1) drops the pool.
//
// Why `most`: under the utility law with `irreducible: outside` the error never increases when a used
// pool keeps more data at fixed weights (a longer period P_i = u_i / w_i means fewer passes, and a
// smaller w_i^2 / u_i a larger effective mix size U~ and slower decay of every pool: beta(m) =
// sum w_i b_i delta_i^k_i only gets more negative; mixture_search_test checks it). With `inside` a
// larger U also moves n_d = min(n, U), where d joins the repetition factor, so keeping less can pay
// a little; the brute-force tests bound what `most` misses. The family keeps u_i = c_i unless
// --max-unique binds; then `free` (outside and the other laws) or `scaled` (inside: every pool gives
// up the same share). docs/search.md "Artefacts" says what is left of the old law's artefacts.
#include "qqt/mixture_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlopt.hpp>
#include <random>
#include <set>
#include <vector>

#include "capped_simplex.hpp"
#include "fast_law.hpp"
#include "law_kernel.hpp"
#include "nlopt_util.hpp"
#include "qqt/error.hpp"
#include "qqt/quantity.hpp"
#include "segment_descent.hpp"
#include "utility_gradient.hpp"

namespace qqt {

void validate(const MixtureSearchOptions& o) {
  if (o.random_starts < 0 || o.random_starts > 1000) {
    throw InputError(fmt::format("mixture random_starts must be in [0, 1000], got {}", o.random_starts));
  }
  if (o.max_evaluations < 10 || o.max_evaluations > 10000000) {
    throw InputError(fmt::format("mixture max_evaluations must be in [10, 10000000], got {}", o.max_evaluations));
  }
  if (!(o.x_tol_rel >= 1e-15 && o.x_tol_rel <= 1e-2)) {
    throw InputError(fmt::format("mixture x_tol_rel must be in [1e-15, 1e-2], got {}", o.x_tol_rel));
  }
  if (!(o.screening_x_tol_rel >= 1e-15 && o.screening_x_tol_rel <= 0.5)) {
    throw InputError(fmt::format("mixture screening_x_tol_rel must be in [1e-15, 0.5], got {}", o.screening_x_tol_rel));
  }
  if (o.polished_starts < 1 || o.polished_starts > 1000) {
    throw InputError(fmt::format("mixture polished_starts must be in [1, 1000], got {}", o.polished_starts));
  }
  if (!(o.f_tol_abs >= 0 && o.f_tol_abs <= 1e-3)) {
    throw InputError(fmt::format("mixture f_tol_abs must be in [0, 1e-3], got {}", o.f_tol_abs));
  }
  if (o.structured_min_pools < 2 || o.structured_min_pools > 1000000) {
    throw InputError(fmt::format("mixture structured_min_pools must be in [2, 1000000], got {}", o.structured_min_pools));
  }
  if (!(o.structured_max_evaluations >= 100 && o.structured_max_evaluations <= 1e8)) {
    throw InputError(fmt::format("mixture structured_max_evaluations must be in [100, 1e8], got {}", o.structured_max_evaluations));
  }
  if (!(o.max_walked_segments >= 1e3 && o.max_walked_segments <= 1e10)) {
    throw InputError(fmt::format("mixture max_walked_segments must be in [1e3, 1e10], got {}", o.max_walked_segments));
  }
}

namespace {

// Weights below this (with a lower bound of 0) are dropped: the pool is not used.
constexpr double kWeightFloor = 1e-12;
// Relative difference below which a seed and the optimum count as equal.
constexpr double kSeedTieRelTol = 1e-12;
// A pool whose passes are this close to a whole number k (relative) sits on the kink at k passes.
constexpr double kKinkRelTol = 1e-9;

// x in [0,1]^dim <-> a strategy meeting the constraints at budget n.
class Decoder {
 public:
  Decoder(const Model& model, const Constraints& c, double n, bool only_seen)
      : model_(model), n_(n), only_seen_(only_seen), max_passes_(c.max_passes), max_unique_(c.max_unique) {
    const std::size_t m = model.pools.size();
    double total = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      const double s = model.pools[i].size_samples;
      total += s;
      lo_.push_back(c.lower(i));
      hi_.push_back(std::min(c.upper(i), c.max_passes * s / n));
    }
    double sum_lo = 0.0;
    double sum_hi = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      sum_lo += lo_[i];
      sum_hi += hi_[i];
      if (lo_[i] > hi_[i]) feasible_ = false;
    }
    if (sum_lo > 1 + kConstraintSlack || sum_hi < 1 - kConstraintSlack) feasible_ = false;
    if (n / c.max_passes > std::min(total, c.max_unique) * (1 + kConstraintSlack)) feasible_ = false;
    const double most_kept = only_seen ? std::min(total, n) : total;
    if (c.max_unique >= most_kept) {
      mode_ = Mode::most;
    } else if (model.params.law == LawKind::utility && model.params.irreducible == Irreducible::inside) {
      mode_ = Mode::scaled;
    } else {
      mode_ = Mode::free;
    }
  }

  enum class Mode { most, free, scaled };
  Mode mode() const { return mode_; }

  bool feasible() const { return feasible_; }
  const std::vector<double>& lower() const { return lo_; }
  const std::vector<double>& upper() const { return hi_; }
  double n() const { return n_; }
  double pool_size(std::size_t i) const { return model_.pools[i].size_samples; }
  std::size_t pools() const { return lo_.size(); }
  std::size_t dimension() const { return mode_ == Mode::free ? 2 * pools() : pools(); }

  // Weights: the point of {sum w = 1, lo <= w <= hi} closest to z, w_i = clamp(z_i - theta, lo_i, hi_i).
  // One projection with pools in `dropped` held at 0.
  void project_once(const double* z, const std::vector<char>& dropped, std::vector<double>& w) const {
    detail::project_to_capped_simplex(
        z, pools(), [&](std::size_t i) { return lo_[i]; }, [&](std::size_t i) { return dropped[i] ? 0.0 : hi_[i]; }, 1.0, w);
  }

  // A weight too small to use (below kWeightFloor, or with only_seen too small to draw the one
  // sample a used pool must keep at budget n: u_i = f_i S_i >= 1 needs n w_i >= 1, spec §2).
  bool negligible(std::size_t i, double w) const { return w > 0 && lo_[i] == 0.0 && (w < kWeightFloor || (only_seen_ && n_ * w < 1.0)); }

  // Weights: the projection of z onto {sum w = 1, lo <= w <= hi}; negligible weights are then held at
  // 0 and z projected again, so that the others still meet their bounds exactly. Weights that become
  // negligible only in the second projection are dropped and the rest renormalised (a change below
  // 1/n relative; kept within the constraints' slack).
  void project(const double* z, std::vector<double>& w) const {
    const std::size_t m = pools();
    std::vector<char> dropped(m, 0);
    project_once(z, dropped, w);
    double room = 0.0;  // sum of the upper bounds left if the negligible weights are dropped
    bool any = false;
    for (std::size_t i = 0; i < m; ++i) {
      if (negligible(i, w[i])) {
        dropped[i] = 1;
        any = true;
      } else {
        room += hi_[i];
      }
    }
    if (any && room >= 1.0) project_once(z, dropped, w);
    double sum = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      if (negligible(i, w[i])) w[i] = 0.0;
      sum += w[i];
    }
    if (!(sum > 0)) {  // every weight negligible (a budget below the pool count): the largest alone
      const std::size_t top = static_cast<std::size_t>(std::max_element(z, z + m) - z);
      w[top] = sum = 1.0;
    }
    for (double& v : w) v /= sum;
  }

  // x -> fractions f, weights w and kept samples u = f S.
  void decode(const double* x, std::vector<double>& f, std::vector<double>& w, std::vector<double>& u) const {
    const std::size_t m = pools();
    project(x, w);
    f.assign(m, 0.0);
    u.assign(m, 0.0);
    std::vector<double> least(m, 0.0);
    double total = 0.0;
    double total_least = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      if (!(w[i] > 0)) continue;
      const double s = model_.pools[i].size_samples;
      // At least one sample (spec §2); only a lower weight bound below 1/n can make that exceed n w_i.
      const double most = only_seen_ ? std::min(s, std::max(n_ * w[i], 1.0)) : s;
      least[i] = std::min(most, std::max(n_ * w[i] / max_passes_, 1.0));
      u[i] = mode_ == Mode::free ? least[i] + x[m + i] * (most - least[i]) : most;
      total += u[i];
      total_least += least[i];
    }
    if (mode_ != Mode::most && total > max_unique_) {
      const double scale = std::max(0.0, (max_unique_ - total_least) / (total - total_least));
      for (std::size_t i = 0; i < m; ++i) {
        if (w[i] > 0) u[i] = least[i] + scale * (u[i] - least[i]);
      }
    }
    for (std::size_t i = 0; i < m; ++i) {
      if (!(w[i] > 0)) continue;
      f[i] = std::clamp(u[i] / model_.pools[i].size_samples, detail::one_sample_fraction(model_.pools[i].size_samples), 1.0);
      u[i] = f[i] * model_.pools[i].size_samples;
    }
  }

  // Kept samples u (decode) within --max-unique. Every used pool keeps at least one sample, so when
  // the bound is below the used pools' one-sample floors (e.g. --max-unique 1 and two pools drawn)
  // no scaling can meet it: such points are not strategies of the family (the objective ranks them
  // +inf; a pool alone, one of the starts, fits whenever anything does).
  bool fits(const std::vector<double>& u) const {
    double total = 0.0;
    for (const double v : u) total += v;
    return total <= max_unique_ * (1 + kConstraintSlack);
  }

  // A strategy (fractions, resolved weights) -> x; decode(encode(s)) is s up to rounding when s
  // meets the constraints (and only_seen), else a strategy that does and keeps at least as much.
  std::vector<double> encode(const std::vector<double>& f, const std::vector<double>& w) const {
    const std::size_t m = pools();
    std::vector<double> x(dimension(), 1.0);
    for (std::size_t i = 0; i < m; ++i) x[i] = w[i];
    if (mode_ == Mode::free) {
      for (std::size_t i = 0; i < m; ++i) {
        if (!(w[i] > 0)) continue;
        const double s = model_.pools[i].size_samples;
        const double most = only_seen_ ? std::min(s, std::max(n_ * w[i], 1.0)) : s;
        const double least = std::min(most, std::max(n_ * w[i] / max_passes_, 1.0));
        x[m + i] = most > least ? std::clamp((f[i] * s - least) / (most - least), 0.0, 1.0) : 1.0;
      }
    }
    return x;
  }

 private:
  const Model& model_;
  double n_;
  bool only_seen_;
  double max_passes_;
  double max_unique_;
  std::vector<double> lo_, hi_;
  bool feasible_ = true;
  Mode mode_ = Mode::most;
};

// The predicted error of a point of the box. The utility law goes through FastUtility (bounded
// time). The other laws build one Mixture per point; under the effective-data law each evaluation
// walks pass segments (spec §3), so the search's work is bounded (MixtureSearchOptions::
// max_walked_segments): every evaluation may walk only what is left of the bound, and once it is used
// up no further Mixture is built (+inf, so NLopt's best point stays the best one found). Points that
// decode to a strategy already evaluated (the box maps many points to one strategy: clamped weights,
// a single pool) reuse its value, which costs no walk.
struct Objective {
  const Model* model;
  const Decoder* decoder;
  const detail::FastUtility* fast;  // null: evaluate with Mixture
  double n;
  double walk_bound;  // max_walked_segments
  std::size_t evaluations = 0;
  double walked = 0.0;  // segments walked by all Mixture evaluations
  bool capped = false;  // the walk bound is used up
  std::vector<double> f, w, u, key;
  std::map<std::vector<double>, double> seen;  // (f, w) -> error, Mixture evaluations only

  double operator()(const double* x) {
    ++evaluations;
    decoder->decode(x, f, w, u);
    if (!decoder->fits(u)) return std::numeric_limits<double>::infinity();
    if (fast) return fast->error(u, w, n);
    key.assign(f.begin(), f.end());
    key.insert(key.end(), w.begin(), w.end());
    if (const auto it = seen.find(key); it != seen.end()) return it->second;
    if (capped) return std::numeric_limits<double>::infinity();
    double y = std::numeric_limits<double>::infinity();
    Mixture mix(*model, Strategy{f, w});
    mix.limit_walk(walk_bound - walked);
    try {
      y = mix.error(n);
    } catch (const NumericalError&) {  // beyond the law's range, or cut at the segments left: ranked last
    }
    walked += mix.walked_segments();
    if (walked >= walk_bound) capped = true;
    seen.emplace(key, y);
    return y;
  }
};

double nlopt_objective(unsigned dim, const double* x, double* grad, void* data) {
  (void)dim;
  if (grad) throw InternalError("the mixture search uses derivative-free algorithms only");
  return (*static_cast<Objective*>(data))(x);
}

struct LocalResult {
  std::vector<double> x;
  double value;
  std::string stopped;
};

// One local run of `algorithm` from x0.
LocalResult local_run(nlopt::algorithm algorithm, Objective& objective, std::vector<double> x0, const MixtureSearchOptions& o,
                      double initial_step = 0.05) {
  const unsigned dim = static_cast<unsigned>(x0.size());
  nlopt::opt opt(algorithm, dim);
  opt.set_lower_bounds(0.0);
  opt.set_upper_bounds(1.0);
  opt.set_min_objective(nlopt_objective, &objective);
  opt.set_xtol_rel(o.x_tol_rel);
  opt.set_ftol_abs(o.f_tol_abs);
  opt.set_maxeval(o.max_evaluations);
  opt.set_initial_step(initial_step);
  const detail::NloptRun run = detail::run_nlopt(
      opt, x0, [&](const std::vector<double>& x) { return objective(x.data()); }, "the mixture search");
  return {std::move(x0), run.value, detail::describe(run.result)};
}

}  // namespace

namespace {

// Decoded x as a strategy, with its predicted error by the exact law; nullopt if it breaks --max-unique.
std::optional<MixtureOptimum> exact_optimum(const Model& model, const Decoder& decoder, double n, const std::vector<double>& x) {
  std::vector<double> f, w, u;
  decoder.decode(x.data(), f, w, u);
  if (!decoder.fits(u)) return std::nullopt;
  return MixtureOptimum{Strategy{f, w}, Mixture(model, Strategy{f, w}).error(n), {}, 0.0, false};
}

// The seeds as points of the box.
std::vector<std::vector<double>> seed_starts(const Model& model, const Decoder& decoder, std::span<const Strategy> seeds) {
  std::vector<std::vector<double>> starts;
  for (const Strategy& s : seeds) {
    const Mixture mix(model, s);
    starts.push_back(decoder.encode(mix.fractions(), mix.weights()));
  }
  return starts;
}

// The uniform mix of all pools as a point of the box (every pool keeping all it may).
std::vector<double> uniform_start(const Decoder& decoder) {
  std::vector<double> x(decoder.dimension(), 1.0);
  std::fill_n(x.begin(), decoder.pools(), 1.0 / static_cast<double>(decoder.pools()));
  return x;
}

// The fixed and random starts of a cold search (besides the seeds): the uniform mix of all pools,
// each pool alone, then `random_starts` pseudo-random points.
std::vector<std::vector<double>> cold_starts(const Model& model, const Decoder& decoder, const MixtureSearchOptions& options) {
  const std::size_t m = model.pools.size();
  std::vector<std::vector<double>> starts{uniform_start(decoder)};
  const std::size_t dim = decoder.dimension();
  for (std::size_t p = 0; p < m && m > 1; ++p) {
    std::vector<double> x(dim, 1.0);
    std::fill_n(x.begin(), m, 0.0);
    x[p] = 1.0;
    starts.push_back(std::move(x));
  }
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int r = 0; r < options.random_starts; ++r) {
    std::vector<double> x(dim);
    for (double& v : x) v = unit(rng);
    starts.push_back(std::move(x));
  }
  return starts;
}

// Screening from every start, then polishing the best few.
LocalResult multistart(const std::vector<std::vector<double>>& starts, Objective& objective, std::size_t dim,
                       const MixtureSearchOptions& options, MixtureSummary& summary) {
  // Screening: a loose local run from every start. Polishing: the best few, run tightly.
  MixtureSearchOptions loose = options;
  loose.x_tol_rel = options.screening_x_tol_rel;
  std::vector<LocalResult> screened;
  for (const auto& x0 : starts) {
    if (objective.capped) break;  // the work bound is used up: no further runs
    summary.start_error = std::min(summary.start_error, objective(x0.data()));
    screened.push_back(local_run(nlopt::LN_SBPLX, objective, x0, loose));
    ++summary.starts;
  }
  std::stable_sort(screened.begin(), screened.end(), [](const LocalResult& a, const LocalResult& b) { return a.value < b.value; });
  LocalResult best{{}, std::numeric_limits<double>::infinity(), "no run"};
  for (std::size_t k = 0; k < screened.size() && k < static_cast<std::size_t>(options.polished_starts); ++k) {
    if (objective.capped) {  // no polishing once the work bound is used up: the screened point as it is
      if (screened[k].value < best.value) best = screened[k];
      continue;
    }
    LocalResult run = local_run(nlopt::LN_SBPLX, objective, screened[k].x, options);
    if (dim >= 2) {
      LocalResult polish = local_run(nlopt::LN_BOBYQA, objective, run.x, options);
      if (polish.value <= run.value) run = std::move(polish);
    }
    if (run.value < best.value) best = std::move(run);
  }
  return best;
}

// A warm search (optimize_mixture_from) starts near an optimum, so it evaluates its starts once
// instead of screening each by a local run; then probes the neighbouring regimes of the best start,
// which a local run from it cannot reach (docs/search.md "Warm starts"):
//   entry probes  each pool the start leaves out, given kEntryShares of the weight (the others scaled
//                 down): a pool entering the optimum usually does so at a few per cent, in a new basin;
//   kink probes   each used pool moved to its neighbouring kinks, k - 1, k + 1 and k + 2 whole passes
//                 around its k passes now (a pool seen less than once: once and twice, whole): the
//                 optimum often jumps from one kink to the next, or from a partial pass to whole passes.
// Nelder-Mead (Subplex in one dimension) polishes the best start; the other candidates (the
// runner-up start, the best entry probe, each pool's best kink probe within kKinkProbeMargin of the
// best start) are screened by a loose run and polished only if that beats the best so far.
// Measured against the cold multistart (docs/search.md "Warm starts"): 1,000 budgets of the default
// config and 100 of pools-8 equal to 2.4e-12 relative. Without the per-pool kink probes the
// partial-to-whole jump was missed (1.7e-4); BOBYQA or Subplex as the polisher missed basins or
// stopped short (up to 1e-3); polishing every candidate fully cost 2.5x the evaluations.
constexpr double kEntryShares[] = {0.03, 0.1, 0.3};
constexpr std::size_t kWarmPolished = 2;
// Relative: a pool's kink probe is polished if its error is below (1 + this) x the best start's.
constexpr double kKinkProbeMargin = 1e-2;
// The first step of a warm polishing run (box units): the starts are near an optimum already.
constexpr double kWarmInitialStep = 0.01;

LocalResult warm_polish(const std::vector<std::vector<double>>& starts, Objective& objective, const Decoder& decoder, std::size_t dim,
                        const MixtureSearchOptions& options, MixtureSummary& summary) {
  const auto by_value = [](const LocalResult& a, const LocalResult& b) { return a.value < b.value; };
  std::vector<LocalResult> tried;
  for (const auto& x0 : starts) {
    const double y = objective(x0.data());
    summary.start_error = std::min(summary.start_error, y);
    tried.push_back({x0, y, "start"});
    ++summary.starts;
  }
  std::stable_sort(tried.begin(), tried.end(), by_value);
  tried.resize(std::min(tried.size(), kWarmPolished));
  const LocalResult base = tried.front();
  const std::size_t m = decoder.pools();
  std::vector<double> f, w, u;
  decoder.decode(base.x.data(), f, w, u);
  // base with pool i's weight set to `share`, the others scaled to fill the rest.
  const auto probe = [&](std::size_t i, double share, LocalResult& best) {
    if (!(share > 0 && share < 1)) return;
    std::vector<double> x = base.x;
    const double rest = 1.0 - w[i];
    for (std::size_t k = 0; k < m; ++k) x[k] = rest > 0 ? w[k] * (1 - share) / rest : (1 - share) / static_cast<double>(m - 1);
    x[i] = share;
    if (dim > m) x[m + i] = 1.0;  // free fractions: keep all the weight allows
    const double y = objective(x.data());
    if (y < best.value) best = {std::move(x), y, "probe"};
  };
  LocalResult best_entry{{}, std::numeric_limits<double>::infinity(), "probe"};
  for (std::size_t i = 0; i < m && m >= 2; ++i) {  // one pool: its weight is 1, nothing to probe
    if (!(w[i] > 0)) {
      for (const double share : kEntryShares) probe(i, share, best_entry);
      continue;
    }
    LocalResult kink{{}, std::numeric_limits<double>::infinity(), "probe"};
    const double passes = decoder.n() * w[i] / u[i];
    const double whole = f[i] < 1 ? 0.0 : std::floor(passes);
    for (const double k : {whole - 1, whole + 1, whole + 2}) {
      if (k >= 1) probe(i, k * decoder.pool_size(i) / decoder.n(), kink);
    }
    if (kink.value <= base.value * (1 + kKinkProbeMargin)) tried.push_back(std::move(kink));
  }
  if (std::isfinite(best_entry.value)) tried.push_back(std::move(best_entry));
  const nlopt::algorithm polisher = dim >= 2 ? nlopt::LN_NELDERMEAD : nlopt::LN_SBPLX;
  // The best start is polished; every other start is first screened by a loose run, and polished
  // only if that beats the best so far.
  LocalResult best = local_run(polisher, objective, base.x, options, kWarmInitialStep);
  if (!(best.value <= base.value)) best = base;
  MixtureSearchOptions loose = options;
  loose.x_tol_rel = options.screening_x_tol_rel;
  for (std::size_t k = 1; k < tried.size(); ++k) {
    if (objective.capped) break;  // the work bound is used up: no further runs
    LocalResult screened = local_run(polisher, objective, tried[k].x, loose, kWarmInitialStep);
    if (!(screened.value < best.value)) continue;
    LocalResult run = local_run(polisher, objective, screened.x, options, kWarmInitialStep);
    if (run.value < best.value) best = std::move(run);
  }
  return best;
}

// The neighbour's optimum at budget n_from, carried to budget n: a whole pool drawn for exactly k
// passes there (n_from w_i = k S_i, a kink, typical of the optimum: docs/search.md) keeps its k passes,
// w_i = k S_i / n; the other weights keep their share of the rest.
Strategy carried(const Model& model, const Strategy& warm, double n_from, double n) {
  const Mixture mix(model, warm);
  Strategy out{mix.fractions(), mix.weights()};
  double pinned = 0.0, free = 0.0;
  std::vector<bool> at_kink(out.weights.size(), false);
  for (std::size_t i = 0; i < out.weights.size(); ++i) {
    if (!(out.weights[i] > 0)) continue;
    const double passes = n_from * out.weights[i] / (out.fractions[i] * model.pools[i].size_samples);
    const double k = std::round(passes);
    if (out.fractions[i] == 1.0 && k >= 1 && std::abs(passes - k) <= kKinkRelTol * k) {
      at_kink[i] = true;
      out.weights[i] = k * model.pools[i].size_samples / n;
      pinned += out.weights[i];
    } else {
      free += out.weights[i];
    }
  }
  if (pinned >= 1.0 || free <= 0.0) return Strategy{mix.fractions(), mix.weights()};
  for (std::size_t i = 0; i < out.weights.size(); ++i) {
    if (out.weights[i] > 0 && !at_kink[i]) out.weights[i] *= (1.0 - pinned) / free;
  }
  return out;
}

// From MixtureSearchOptions::structured_min_pools pools on, the utility law's mixture search (with
// u_i = all a pool may keep: mode `most`) uses the law's structure instead of the derivative-free
// multistart, whose cost grows about as m^3 (4.2 s per budget at 64 pools) and which misses basins
// from 16 pools on (docs/search.md "Many pools"): segment descent (segment_descent.hpp) from each start.

bool many_pools(const Model& model, const Decoder& decoder, bool has_fast, const MixtureSearchOptions& options) {
  return has_fast && decoder.mode() == Decoder::Mode::most && model.pools.size() >= static_cast<std::size_t>(options.structured_min_pools);
}

// The many-pool search: segment descent from each start (box points; their weights are the
// projection of x, as the Decoder maps them), the best by the search's objective. A warm search
// descends from its best start only (the neighbour's optimum, carried, or a seed): its trials reach
// the neighbouring basins, and a descent per start doubled the time of a sweep for no gain on the
// synthetic sweeps (docs/search.md "Many pools").
LocalResult structured(const Model& model, const Decoder& decoder, const std::vector<std::vector<double>>& starts, Objective& objective,
                       const MixtureSearchOptions& options, bool best_start_only, MixtureSummary& summary) {
  const detail::UtilityGradient law(model, decoder.n(), options.only_seen);
  detail::SegmentDescentOptions descent;
  descent.max_total_evaluations = static_cast<std::size_t>(options.structured_max_evaluations);
  std::vector<std::vector<double>> chosen;
  double best_start = std::numeric_limits<double>::infinity();
  for (const auto& x0 : starts) {
    const double y = objective(x0.data());
    summary.start_error = std::min(summary.start_error, y);
    ++summary.starts;
    if (!best_start_only) {
      chosen.push_back(x0);
    } else if (y < best_start || chosen.empty()) {
      best_start = y;
      chosen.assign(1, x0);
    }
  }
  LocalResult best{{}, std::numeric_limits<double>::infinity(), "no run"};
  std::vector<double> w;
  std::set<std::vector<double>> tried;
  for (const auto& x0 : chosen) {
    decoder.project(x0.data(), w);
    if (!tried.insert(w).second) continue;  // the same start twice
    const detail::SegmentDescentResult run = detail::segment_descent(law, decoder.lower(), decoder.upper(), w, descent);
    objective.evaluations += run.evaluations;
    std::vector<double> x(decoder.dimension(), 1.0);
    std::copy(run.weights.begin(), run.weights.end(), x.begin());
    const double y = objective(x.data());
    if (y < best.value) best = {std::move(x), y, run.stopped};
  }
  return best;
}

std::optional<MixtureOptimum> search(const Model& model, const Constraints& constraints, double n, std::span<const Strategy> seeds,
                                     const Strategy* warm, double warm_budget, const MixtureSearchOptions& options) {
  validate(options);
  const Decoder decoder(model, constraints, n, options.only_seen);
  if (!decoder.feasible()) return std::nullopt;
  std::optional<detail::FastUtility> fast;
  if (model.params.law == LawKind::utility) fast.emplace(model);
  Objective objective{&model, &decoder, fast ? &*fast : nullptr, n, options.max_walked_segments, 0, 0.0, false, {}, {}, {}, {}, {}};
  const std::size_t dim = decoder.dimension();

  MixtureSummary summary;
  summary.start_error = std::numeric_limits<double>::infinity();
  // The seeds and, warm, the neighbour's optimum (as is, and carried along its kinks): the regime of
  // the optimum rarely changes between neighbouring budgets, and when it does a seed shows it.
  std::vector<std::vector<double>> starts = seed_starts(model, decoder, seeds);
  if (warm) {
    const Mixture mix(model, *warm);
    starts.push_back(decoder.encode(mix.fractions(), mix.weights()));
    const Mixture moved(model, carried(model, *warm, warm_budget, n));
    starts.push_back(decoder.encode(moved.fractions(), moved.weights()));
  }
  const bool structure = many_pools(model, decoder, fast.has_value(), options);
  if (structure) {
    if (starts.empty()) starts.push_back(uniform_start(decoder));  // no seeds
    summary.algorithm = "segment descent: quasi-Newton on the law's gradient, kink moves, pool entries and exits (many pools)";
  } else {
    // Cold: the multistart's fixed and random starts. Warm: the fixed ones too (one evaluation each).
    const auto more = cold_starts(model, decoder, warm ? MixtureSearchOptions{.random_starts = 0} : options);
    starts.insert(starts.end(), more.begin(), more.end());
    if (warm) {
      summary.algorithm =
          dim >= 2 ? "warm start: starts evaluated once, entry and kink probes, LN_NELDERMEAD polishing" : "warm start: LN_SBPLX";
    } else {
      summary.algorithm = dim >= 2 ? "LN_SBPLX screening, LN_SBPLX + LN_BOBYQA polishing" : "LN_SBPLX";
    }
  }
  const LocalResult best = structure ? structured(model, decoder, starts, objective, options, warm != nullptr, summary)
                           : warm    ? warm_polish(starts, objective, decoder, dim, options, summary)
                                     : multistart(starts, objective, dim, options, summary);
  summary.evaluations = objective.evaluations;
  summary.stopped = best.stopped;

  if (objective.capped) {
    summary.stopped =
        fmt::format("work bound reached: max_walked_segments = {:g} pass segments (effective-data law)", options.max_walked_segments);
  }

  // The optimum, by the exact law; never worse than a seed. When the work bound ended the search
  // before any point was evaluated, the best seed (if any).
  std::optional<MixtureOptimum> out;
  if (std::isfinite(best.value) || !objective.capped) out = exact_optimum(model, decoder, n, best.x);
  // A seed replaces it only if better beyond rounding: the optimiser's own form of a seed (all a pool
  // may keep) is preferred when they tie, e.g. below one pass, where kept data beyond n w_i changes nothing.
  for (const Strategy& s : seeds) {
    const Mixture mix(model, s);
    const double y = mix.error(n);
    if (!out || y < out->error * (1 - kSeedTieRelTol)) out = MixtureOptimum{Strategy{mix.fractions(), mix.weights()}, y, {}, 0.0, false};
  }
  if (!out && !objective.capped) return std::nullopt;  // no point of the box meets --max-unique
  if (!out) {
    throw NumericalError(
        fmt::format("mixture search: at budget {} the effective-data law needs more than {:g} pass segments (max_walked_segments) "
                    "before any mixture is evaluated; use a smaller budget, --search topk,threshold or the utility law",
                    format_count(n), options.max_walked_segments));
  }
  summary.error = out->error;
  out->summary = summary;
  out->walked_segments = objective.walked;
  out->work_capped = objective.capped;
  return out;
}

}  // namespace

std::optional<MixtureOptimum> optimize_mixture(const Model& model, const Constraints& constraints, double n,
                                               std::span<const Strategy> seeds, const MixtureSearchOptions& options) {
  return search(model, constraints, n, seeds, nullptr, n, options);
}

std::optional<MixtureOptimum> optimize_mixture_from(const Model& model, const Constraints& constraints, double n,
                                                    std::span<const Strategy> seeds, const Strategy& warm, double warm_budget,
                                                    const MixtureSearchOptions& options) {
  return search(model, constraints, n, seeds, &warm, warm_budget, options);
}

}  // namespace qqt
