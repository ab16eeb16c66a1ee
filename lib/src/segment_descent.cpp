#include "segment_descent.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>

#include "capped_simplex.hpp"

namespace qqt::detail {

namespace {

// A point counts as meeting sum w = 1 within this (the steps keep the sum to rounding).
constexpr double kSumTol = 1e-10;
// A weight this close to its segment's end (relative to the segment's width) sits at the end.
constexpr double kEndRelTol = 1e-9;
// A one-sided derivative must beat the multiplier by this (relative) for a pool to move or enter:
// the gradient's central difference in lambda is good to about 1e-10 relative.
constexpr double kMoveRelTol = 1e-8;
// A neighbouring assignment is taken when it lowers the error by more than this (relative).
constexpr double kImproveRelTol = 1e-13;
// Entry trials also place the pool at these weights (besides the working pools' median passes).
constexpr double kEntryShares[] = {0.01, 0.03, 0.1};
// A trial's segment that means: the pool leaves the mix.
constexpr double kExit = -1.0;
// ... and gives its weight to the entry candidates.
constexpr double kSwap = -2.0;
// The rough run stops when no weight moves by more than this (relative).
constexpr double kRoughXTol = 1e-6;

// The law over the pools of a working set (the variables); the other pools keep their weights.
struct Problem {
  const UtilityGradient* law;
  std::vector<std::size_t> working;  // pool indices of the variables
  std::vector<double> weights;       // all pools; the working set's entries are overwritten
  std::vector<double> segment;       // all pools (natural = false)
  bool natural = false;              // take each pool in the segment its weight is in
  std::size_t evaluations = 0;
  std::vector<double> grad, natural_segment;
  double fixed_sum = 0.0;  // sum of the weights outside the working set
  double best_value = std::numeric_limits<double>::infinity();
  std::vector<double> best_x;

  // y at the full weights (grad: the full gradient, kept in `grad`).
  double full(std::span<const double> segments) {
    ++evaluations;
    const std::size_t m = weights.size();
    grad.resize(m);
    double y = law->evaluate(weights, segments, grad);
    if (!std::isfinite(y)) {  // beyond the law's range: a wall
      y = std::numeric_limits<double>::max();
      std::fill(grad.begin(), grad.end(), 0.0);
    }
    return y;
  }

  double at(const double* x, double* g) {
    for (std::size_t k = 0; k < working.size(); ++k) weights[working[k]] = x[k];
    if (natural) {
      natural_segment.resize(weights.size());
      for (std::size_t i = 0; i < weights.size(); ++i) natural_segment[i] = law->segment_of(i, weights[i]);
    }
    const double y = full(natural ? natural_segment : segment);
    if (g) {
      for (std::size_t k = 0; k < working.size(); ++k) g[k] = grad[working[k]];
    }
    const double sum = std::accumulate(x, x + working.size(), fixed_sum);
    if (std::abs(sum - 1.0) <= kSumTol && y < best_value) {
      best_value = y;
      best_x.assign(x, x + working.size());
    }
    return y;
  }
};

// Projected quasi-Newton (BFGS on the face of the active bounds) for min f(x), lo <= x <= hi,
// sum x = c. Each step: the free variables are those inside their bounds or at a bound their
// derivative pulls them away from (against the multiplier mu, the free variables' mean derivative);
// the direction is -P H P g over them (P removes the mean: the step keeps sum x); Armijo backtracking
// up to the first bound hit, which is then held exactly. O(d^2) per step. (NLopt's SLSQP, tried
// first, solves a dense QP per step: 3/4 of the search's time at 64 pools, 10-25x slower overall.)
constexpr double kArmijo = 1e-4;
constexpr int kMaxBacktracks = 40;

void quasi_newton(Problem& problem, const std::vector<double>& lo, const std::vector<double>& hi, std::vector<double>& x,
                  int max_evaluations, double x_tol_rel) {
  const std::size_t d = x.size();
  const double c = 1.0 - problem.fixed_sum;
  project_to_capped_simplex(
      x.data(), d, [&](std::size_t k) { return lo[k]; }, [&](std::size_t k) { return hi[k]; }, c, x);
  std::vector<double> g(d), g_new(d), x_new(d), dir(d), s(d), yv(d), hy(d);
  std::vector<double> h(d * d, 0.0);  // inverse Hessian approximation
  bool h_scaled = false;
  double f = problem.at(x.data(), g.data());
  int evaluations = 1;
  std::vector<char> is_free(d);
  while (evaluations < max_evaluations) {
    // Free set and multiplier (twice: mu from the interior, then the bound variables it frees).
    const auto interior = [&](std::size_t k) { return x[k] > lo[k] && x[k] < hi[k]; };
    double mu = 0.0;
    int count = 0;
    for (std::size_t k = 0; k < d; ++k) {
      if (interior(k)) mu += g[k], ++count;
    }
    if (count == 0) {
      for (std::size_t k = 0; k < d; ++k) mu += g[k];
      count = static_cast<int>(d);
    }
    mu /= count;
    count = 0;
    for (std::size_t k = 0; k < d; ++k) {
      is_free[k] = interior(k) || (x[k] <= lo[k] && g[k] < mu && lo[k] < hi[k]) || (x[k] >= hi[k] && g[k] > mu && lo[k] < hi[k]);
      count += is_free[k];
    }
    if (count < 2) break;  // nothing can move while keeping the sum
    // Direction -P H P g over the free variables.
    double mean = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      if (is_free[k]) mean += g[k];
    }
    mean /= count;
    std::vector<double> pg(d, 0.0);
    double pg_norm = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      if (is_free[k]) pg[k] = g[k] - mean, pg_norm = std::max(pg_norm, std::abs(pg[k]));
    }
    if (pg_norm <= 1e-15 * std::max(1.0, std::abs(mean))) break;  // stationary on the face
    if (!h_scaled) {                                              // first step: move the largest free weight change to about 1e-2
      std::fill(h.begin(), h.end(), 0.0);
      for (std::size_t k = 0; k < d; ++k) h[k * d + k] = 1e-2 / pg_norm;
    }
    double dmean = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      dir[k] = 0.0;
      if (!is_free[k]) continue;
      for (std::size_t l = 0; l < d; ++l) {
        if (is_free[l]) dir[k] -= h[k * d + l] * pg[l];
      }
      dmean += dir[k];
    }
    dmean /= count;
    double slope = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      if (is_free[k]) dir[k] -= dmean, slope += dir[k] * g[k];
    }
    if (!(slope < 0)) {  // not a descent direction: restart from the projected gradient
      for (std::size_t k = 0; k < d; ++k) dir[k] = -pg[k] * 1e-2 / pg_norm;
      slope = 0.0;
      for (std::size_t k = 0; k < d; ++k) slope += dir[k] * g[k];
      h_scaled = false;
      if (!(slope < 0)) break;
    }
    // Longest step within the bounds, and which variable ends it.
    double alpha_max = std::numeric_limits<double>::infinity();
    std::size_t blocking = d;
    for (std::size_t k = 0; k < d; ++k) {
      if (!is_free[k] || dir[k] == 0.0) continue;
      const double room = dir[k] < 0 ? (lo[k] - x[k]) / dir[k] : (hi[k] - x[k]) / dir[k];
      if (room < alpha_max) alpha_max = std::max(room, 0.0), blocking = k;
    }
    double alpha = std::min(1.0, alpha_max);
    bool accepted = false;
    double f_new = f;
    for (int b = 0; b < kMaxBacktracks && evaluations < max_evaluations; ++b) {
      for (std::size_t k = 0; k < d; ++k) x_new[k] = std::clamp(x[k] + alpha * dir[k], lo[k], hi[k]);
      if (alpha == alpha_max && blocking < d) x_new[blocking] = dir[blocking] < 0 ? lo[blocking] : hi[blocking];
      f_new = problem.at(x_new.data(), g_new.data());
      ++evaluations;
      if (f_new <= f + kArmijo * alpha * slope) {
        accepted = true;
        break;
      }
      alpha *= 0.5;
    }
    if (!accepted) break;
    double step = 0.0, scale = 0.0, sy = 0.0, yy = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      s[k] = x_new[k] - x[k];
      yv[k] = g_new[k] - g[k];
      step = std::max(step, std::abs(s[k]));
      scale = std::max(scale, std::abs(x_new[k]));
      sy += s[k] * yv[k];
      yy += yv[k] * yv[k];
    }
    const double f_old = f;
    x = x_new;
    g = g_new;
    f = f_new;
    if (sy > 1e-12 * std::sqrt(yy) * step && yy > 0) {  // BFGS update of the inverse Hessian
      if (!h_scaled) {
        std::fill(h.begin(), h.end(), 0.0);
        for (std::size_t k = 0; k < d; ++k) h[k * d + k] = sy / yy;
        h_scaled = true;
      }
      const double rho = 1.0 / sy;
      double yhy = 0.0;
      for (std::size_t k = 0; k < d; ++k) {
        hy[k] = 0.0;
        for (std::size_t l = 0; l < d; ++l) hy[k] += h[k * d + l] * yv[l];
        yhy += yv[k] * hy[k];
      }
      for (std::size_t k = 0; k < d; ++k) {
        for (std::size_t l = 0; l < d; ++l) {
          h[k * d + l] += -rho * (hy[k] * s[l] + s[k] * hy[l]) + (rho * rho * yhy + rho) * s[k] * s[l];
        }
      }
    }
    if (step <= x_tol_rel * scale && std::abs(f_old - f) <= 1e-16 * std::abs(f)) break;
  }
}

// One quasi-Newton run over the working set within [lo, hi] (all pools); problem.weights becomes the
// best point seen that meets sum w = 1 (or stays where it was).
void local_run(Problem& problem, const std::vector<double>& lo, const std::vector<double>& hi, int max_evaluations, double x_tol_rel) {
  const std::size_t dim = problem.working.size();
  std::vector<double> x(dim), xlo(dim), xhi(dim);
  problem.fixed_sum = 0.0;
  std::vector<char> in(problem.weights.size(), 0);
  for (const std::size_t i : problem.working) in[i] = 1;
  for (std::size_t i = 0; i < problem.weights.size(); ++i) {
    if (!in[i]) problem.fixed_sum += problem.weights[i];
  }
  for (std::size_t k = 0; k < dim; ++k) {
    const std::size_t i = problem.working[k];
    xlo[k] = lo[i];
    xhi[k] = hi[i];
    x[k] = std::clamp(problem.weights[i], lo[i], hi[i]);
  }
  problem.best_value = std::numeric_limits<double>::infinity();
  problem.best_x.clear();
  problem.at(x.data(), nullptr);  // the start: the best point is never worse than it
  quasi_newton(problem, xlo, xhi, x, max_evaluations, x_tol_rel);
  const std::vector<double>& best = problem.best_x.empty() ? x : problem.best_x;
  for (std::size_t k = 0; k < dim; ++k) problem.weights[problem.working[k]] = best[k];
}

}  // namespace

namespace {

// A local optimum of one segment assignment, with the moves that settled it.
struct Settled {
  double error = std::numeric_limits<double>::infinity();
  std::vector<double> weights, segment;
  std::vector<std::size_t> working;
  std::vector<std::size_t> at_kink;  // working pools at a kink (a segment end that is not a bound)
  std::vector<double> grad;          // full gradient at the optimum
  int moves = 0;
};

// Step 2: from problem.weights with `segment`, a local run in the segments' box, then kink moves and pool
// entries while the first-order conditions fail and the error drops.
Settled settle(Problem& problem, std::vector<double> segment, const std::vector<double>& lo, const std::vector<double>& hi, int max_moves,
               const SegmentDescentOptions& options) {
  const UtilityGradient& law = *problem.law;
  const std::size_t m = law.pools();
  problem.natural = false;
  Settled best;
  std::vector<double> box_lo(m), box_hi(m), up_grad(m), down_grad(m);
  for (int round = 0; round <= max_moves && problem.evaluations < options.max_total_evaluations; ++round) {
    for (std::size_t i = 0; i < m; ++i) {
      box_lo[i] = std::max(lo[i], segment[i] == 0.0 ? 0.0 : law.kink_weight(i, segment[i]));
      box_hi[i] = std::min(hi[i], law.kink_weight(i, segment[i] + 1.0));
    }
    problem.segment = segment;
    local_run(problem, box_lo, box_hi, options.segment_evaluations, options.x_tol_rel);
    const std::vector<double>& w = problem.weights;
    if (std::abs(std::accumulate(w.begin(), w.end(), 0.0) - 1.0) > kSumTol) break;  // the boxes cannot hold sum w = 1
    const double y = problem.full(segment);
    if (!(y < best.error)) break;
    best.error = y;
    best.weights = w;
    best.segment = segment;
    best.working = problem.working;
    best.grad = problem.grad;
    best.moves = round;
    best.at_kink.clear();
    const std::vector<double>& grad = best.grad;
    // The multiplier of sum w = 1: the mean derivative of the working pools inside their segments.
    // A pool at a segment end that is a kink (not a weight bound) is flipped into the neighbouring
    // segment in `up` or `down`: each pool's own partial depends only on its own segment (the
    // coupling through U~ and n_d is continuous at a kink), so one evaluation of each gives every
    // one-sided derivative.
    std::vector<char> in(m, 0);
    for (const std::size_t i : problem.working) in[i] = 1;
    std::vector<double> up = segment, down = segment;
    bool any_up = false, any_down = false;
    double mu = 0.0;
    int inside = 0;
    for (const std::size_t i : problem.working) {
      const double margin = kEndRelTol * (box_hi[i] - box_lo[i]);
      const bool at_lo = w[i] <= box_lo[i] + margin;
      const bool at_hi = w[i] >= box_hi[i] - margin;
      if (!at_lo && !at_hi) {
        mu += grad[i];
        ++inside;
      }
      if (at_hi && box_hi[i] < hi[i]) {
        up[i] = segment[i] + 1.0;
        any_up = true;
      }
      if (at_lo && segment[i] >= 1.0 && box_lo[i] > lo[i]) {
        down[i] = segment[i] - 1.0;
        any_down = true;
      }
      if (up[i] != segment[i] || down[i] != segment[i]) best.at_kink.push_back(i);
    }
    if (inside == 0) break;  // every pool at a segment end
    mu /= inside;
    const double tol = kMoveRelTol * std::abs(mu);
    if (any_up) {
      problem.full(up);
      up_grad = problem.grad;
    }
    if (any_down) {
      problem.full(down);
      down_grad = problem.grad;
    }
    bool moved = false;
    for (std::size_t i = 0; i < m; ++i) {
      if (!in[i]) {  // an unused pool enters if its derivative beats the multiplier
        if (grad[i] < mu - tol && hi[i] > 0) {
          problem.working.push_back(i);
          moved = true;
        }
      } else if (up[i] != segment[i] && up_grad[i] < mu - tol) {
        segment[i] = up[i];
        moved = true;
      } else if (down[i] != segment[i] && down_grad[i] > mu + tol) {
        segment[i] = down[i];
        moved = true;
      }
    }
    // Pools the run emptied leave the working set (each step's work grows with its square); they may enter again.
    std::erase_if(problem.working, [&](std::size_t i) { return in[i] && !(w[i] > 0) && !(lo[i] > 0); });
    std::sort(problem.working.begin(), problem.working.end());
    if (!moved) break;
  }
  return best;
}

}  // namespace

SegmentDescentResult segment_descent(const UtilityGradient& law, const std::vector<double>& lo, const std::vector<double>& hi,
                                     std::vector<double> w0, const SegmentDescentOptions& options) {
  const std::size_t m = law.pools();
  Problem problem{&law, {}, std::move(w0), std::vector<double>(m, 0.0), true, 0, {}, {}, 0.0, std::numeric_limits<double>::infinity(), {}};
  // The working set: the pools the start uses, and those a lower bound forces in.
  for (std::size_t i = 0; i < m; ++i) {
    if (problem.weights[i] > 0 || lo[i] > 0) problem.working.push_back(i);
  }
  SegmentDescentResult out;

  // 1. Rough: pools cross kinks freely.
  local_run(problem, lo, hi, options.rough_evaluations, kRoughXTol);
  // Pools the rough run emptied leave the working set (they may enter again).
  std::erase_if(problem.working, [&](std::size_t i) { return !(problem.weights[i] > 0) && !(lo[i] > 0); });

  // 2. Settle the segments.
  std::vector<double> segment(m);
  for (std::size_t i = 0; i < m; ++i) segment[i] = law.segment_of(i, problem.weights[i]);
  Settled best = settle(problem, segment, lo, hi, options.max_moves, options);
  out.moves = best.moves;
  out.stopped = "first-order conditions hold";

  // 3. Neighbouring assignments: a pool at a kink moved to the middle of its other neighbouring
  // segment, or an unused pool let in (the few with the lowest entry derivative) at the middle of the
  // segment of the working pools' median passes; each settled; the first that lowers the error is taken.
  for (int trial_round = 0; trial_round < options.max_trial_rounds && std::isfinite(best.error); ++trial_round) {
    struct Trial {
      std::size_t pool;
      double segment;
      std::size_t taker = 0;  // kSwap: who takes the leaving pool's weight: unused[taker], or SIZE_MAX: the entry candidates
    };
    std::vector<Trial> trials;
    for (const std::size_t i : best.at_kink) {
      const double w_i = best.weights[i];
      const double k = best.segment[i];
      const bool at_top = w_i >= law.kink_weight(i, k + 1.0) * (1 - kEndRelTol);
      trials.push_back({i, at_top ? k + 1.0 : k - 1.0});
    }
    std::vector<double> passes;
    for (const std::size_t i : best.working) {
      if (best.weights[i] > 0) passes.push_back(best.segment[i]);
    }
    std::sort(passes.begin(), passes.end());
    const double typical = passes.empty() ? 0.0 : passes[passes.size() / 2];
    std::vector<std::size_t> unused;
    for (std::size_t i = 0; i < m; ++i) {
      if (!(best.weights[i] > 0) && hi[i] > 0) unused.push_back(i);
    }
    // Entry candidates: half by the derivative of entering (at w = 0, which ignores repetition),
    // half by what each would pay at the used pools' median passes (which sees its half-life).
    std::vector<std::size_t> by_repeat = unused;
    std::stable_sort(unused.begin(), unused.end(), [&](std::size_t a, std::size_t b) { return best.grad[a] < best.grad[b]; });
    if (typical >= 1.0 && !unused.empty()) {
      const double mix = law.effective_mix(best.weights);
      std::vector<double> slope(m, 0.0);
      for (const std::size_t i : by_repeat) {
        const double k = std::min(typical, law.segment_of(i, hi[i]));
        slope[i] = law.pool_slope(i, std::min(hi[i], law.kink_weight(i, k + 0.5)), k, mix);
      }
      std::stable_sort(by_repeat.begin(), by_repeat.end(), [&](std::size_t a, std::size_t b) { return slope[a] < slope[b]; });
      const std::size_t half = static_cast<std::size_t>(options.entry_trials) / 2;
      std::vector<std::size_t> merged(unused.begin(), unused.begin() + static_cast<std::ptrdiff_t>(std::min(half, unused.size())));
      for (const std::size_t i : by_repeat) {
        if (std::find(merged.begin(), merged.end(), i) == merged.end()) merged.push_back(i);
        if (merged.size() >= static_cast<std::size_t>(options.entry_trials)) break;
      }
      for (const std::size_t i : unused) {
        if (std::find(merged.begin(), merged.end(), i) == merged.end()) merged.push_back(i);
      }
      unused = std::move(merged);
    }
    for (std::size_t k = 0; k < unused.size() && k < static_cast<std::size_t>(options.entry_trials); ++k) {
      trials.push_back({unused[k], std::min(typical, law.segment_of(unused[k], hi[unused[k]]))});
      for (const double share : kEntryShares) {
        const double seg_at = law.segment_of(unused[k], std::min(share, hi[unused[k]]));
        if (seg_at != trials.back().segment) trials.push_back({unused[k], seg_at});
      }
    }
    // Exits: each used pool (lightest first) left out, the others re-balanced (a pool may also be
    // in the optimum's place of another: the settling lets unused pools in).
    std::vector<std::size_t> used;
    for (const std::size_t i : best.working) {
      if (best.weights[i] > 0 && !(lo[i] > 0)) used.push_back(i);
    }
    std::stable_sort(used.begin(), used.end(), [&](std::size_t a, std::size_t b) { return best.weights[a] < best.weights[b]; });
    for (std::size_t k = 0; k < used.size() && k < static_cast<std::size_t>(options.exit_trials) && used.size() > 1; ++k) {
      trials.push_back({used[k], kExit});
      trials.push_back({used[k], kSwap, SIZE_MAX});
      for (std::size_t j = 0; j < unused.size() && j < static_cast<std::size_t>(options.swap_partners); ++j) {
        trials.push_back({used[k], kSwap, j});  // swapped for one candidate alone
      }
    }
    ++out.rounds;
    bool improved = false;
    // A trial from problem.weights: a rough run within [run_lo, run_hi] (pools cross kinks freely),
    // then settled in full bounds; taken if it lowers the error.
    const auto settle_trial = [&](const std::vector<double>& run_lo, const std::vector<double>& run_hi) {
      problem.natural = true;
      local_run(problem, run_lo, run_hi, options.rough_evaluations, kRoughXTol);
      std::vector<double> natural(m);
      for (std::size_t i = 0; i < m; ++i) natural[i] = law.segment_of(i, problem.weights[i]);
      ++out.trials;
      Settled next = settle(problem, natural, lo, hi, options.max_moves, options);
      if (!(next.error < best.error * (1 - kImproveRelTol))) return false;
      best = std::move(next);
      improved = true;
      ++out.moves;
      return true;
    };
    for (const Trial& t : trials) {
      if (problem.evaluations >= options.max_total_evaluations) {
        out.stopped = "evaluation budget used up (max_total_evaluations)";
        break;
      }
      if (t.segment == kExit || t.segment == kSwap) {
        problem.working = best.working;
        std::erase(problem.working, t.pool);
        problem.weights = best.weights;
        // Its weight goes to the entry candidates (the rough run drops those that do not pay): the
        // optimum often swaps one pool for others that pay only at a sizeable weight.
        const std::size_t takers = t.segment == kSwap ? std::min(unused.size(), static_cast<std::size_t>(options.entry_trials)) : 0;
        if (t.segment == kSwap && t.taker != SIZE_MAX) {
          problem.weights[unused[t.taker]] = std::min(hi[unused[t.taker]], best.weights[t.pool]);
          problem.working.push_back(unused[t.taker]);
        } else {
          for (std::size_t k = 0; k < takers; ++k) {
            problem.weights[unused[k]] = std::min(hi[unused[k]], best.weights[t.pool] / static_cast<double>(takers));
            problem.working.push_back(unused[k]);
          }
        }
        std::sort(problem.working.begin(), problem.working.end());
        problem.weights[t.pool] = 0.0;
        if (settle_trial(lo, hi)) break;
        continue;
      }
      problem.working = best.working;
      const bool entry = !(best.weights[t.pool] > 0);
      if (std::find(problem.working.begin(), problem.working.end(), t.pool) == problem.working.end()) {
        problem.working.push_back(t.pool);
        std::sort(problem.working.begin(), problem.working.end());
      }
      problem.weights = best.weights;
      problem.weights[t.pool] = std::clamp(law.kink_weight(t.pool, t.segment + 0.5), lo[t.pool], hi[t.pool]);
      if (t.segment == 0.0) problem.weights[t.pool] = std::clamp(law.kink_weight(t.pool, 0.5), lo[t.pool], hi[t.pool]);
      // The others re-balance freely across their kinks (a rough run with the pool held in its new
      // segment; an entering pool only from below, so it may climb to where it pays), then
      // everything settles.
      std::vector<double> held_lo = lo, held_hi = hi;
      held_lo[t.pool] = std::max(lo[t.pool], t.segment == 0.0 ? 0.0 : law.kink_weight(t.pool, t.segment));
      held_hi[t.pool] = entry ? hi[t.pool] : std::min(hi[t.pool], law.kink_weight(t.pool, t.segment + 1.0));
      if (!(held_lo[t.pool] <= held_hi[t.pool])) continue;  // the weight bounds leave no room in that segment
      if (settle_trial(held_lo, held_hi)) break;
    }
    if (!improved) break;
  }
  if (problem.evaluations >= options.max_total_evaluations) out.stopped = "evaluation budget used up (max_total_evaluations)";
  out.weights = best.weights.empty() ? problem.weights : best.weights;
  out.error = best.error;
  out.evaluations = problem.evaluations;
  return out;
}

}  // namespace qqt::detail
