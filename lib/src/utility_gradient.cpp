#include "utility_gradient.hpp"

#include <cmath>

#include "fast_law.hpp"
#include "law_kernel.hpp"
#include "qqt/error.hpp"

namespace qqt::detail {

namespace {

// Relative step of the central difference of H in lambda (past kDirectPasses passes): truncation ~1e-12 relative, rounding
// ~1e-10 relative; the gradient only steers the search (every reported error is Mixture's).
constexpr double kLambdaStep = 1e-6;

// H(lambda, x) in segment k >= 1 (law_kernel.hpp), its repetition sum by a walk.
double pass_term_in(double lambda, double x, double k) {
  PrefixWalker walker(lambda);
  return pass_term_in_segment(lambda, x, k, [&](double m) { return walker.advance_to(m); });
}

// One pool's term T of ln R at budget N and its partial derivatives (weight, N, lambda).
struct Term {
  double value = 0.0;
  double d_weight = 0.0;
  double d_budget = 0.0;
  double d_lambda = 0.0;
};

// T = w b ln(a N / N0): at most one pass at N.
Term first_pass(const LawParams& p, double w, double b, double budget) {
  const double l = std::log(p.a * budget / p.normalizer);
  return {w * b * l, b * l, w * b / budget, 0.0};
}

// H and dH/dlambda in segment k >= 1. Up to kDirectPasses passes both sums are walked together:
//   C(k - 1) = sum_{j<k} delta^j ln(1 + 1/j),   dC/dlambda = -sum_{j<k} j delta^j ln(1 + 1/j);
// beyond, C comes from the walker (Euler-Maclaurin tail) and dH/dlambda from a central difference.
struct PassTerm {
  double value = 0.0;
  double d_lambda = 0.0;
  double decay = 0.0;  // exp(-lambda k) = x dH/dx
};

// Passes per block of the direct walk: powers of delta within a block by multiplication, each
// block's first power by exp (no drift), four interleaved accumulators (the loop pipelines).
constexpr int kBlock = 32;

PassTerm pass_term_with_slope(double lambda, double x, double k, bool with_lambda) {
  const double decay = std::exp(-lambda * k);
  const double partial = std::log1p((x - k) / k);
  if (k - 1.0 <= kDirectPasses) {
    const double* ratios = log_ratios();
    const int last = static_cast<int>(k) - 1;
    const double step = std::exp(-lambda);
    const double one_minus = -std::expm1(-lambda);  // 1 - delta
    double powers[kBlock];
    powers[0] = 1.0;
    const int known = std::min(last, kBlock);
    for (int q = 1; q < known; ++q) powers[q] = powers[q - 1] * step;
    double sum = 0.0, slope = 0.0;
    int j = 1;
    double anchor = step;  // delta^j
    for (; j + kBlock - 1 <= last; j += kBlock) {
      double s[4] = {0.0, 0.0, 0.0, 0.0}, t[4] = {0.0, 0.0, 0.0, 0.0};
      for (int q = 0; q < kBlock; q += 4) {
        for (int r = 0; r < 4; ++r) {
          const double term = powers[q + r] * ratios[j + q + r];
          s[r] += term;
          t[r] += (j + q + r) * term;
        }
      }
      sum += anchor * ((s[0] + s[1]) + (s[2] + s[3]));
      slope -= anchor * ((t[0] + t[1]) + (t[2] + t[3]));
      anchor = std::exp(-lambda * (j + kBlock));
      // The rest of both series past here is below 1e-17 of what is summed: stop.
      const double rest = anchor * ratios[j + kBlock] / one_minus;
      if (rest <= 1e-17 * sum && rest * (j + kBlock + 1.0 / one_minus) <= -1e-17 * slope) {
        j = last + 1;
        break;
      }
    }
    for (int q = 0; j <= last; ++j, ++q) {
      const double term = anchor * powers[q] * ratios[j];
      sum += term;
      slope -= j * term;
    }
    return {sum + decay * partial, with_lambda ? slope - k * decay * partial : 0.0, decay};
  }
  PassTerm t{pass_term_in(lambda, x, k), 0.0, decay};
  if (with_lambda) {
    const double h = kLambdaStep * lambda;
    t.d_lambda = (pass_term_in(lambda + h, x, k) - pass_term_in(lambda - h, x, k)) / (2.0 * h);
  }
  return t;
}

// T = w b (ln(a S / (w N0)) + H(lambda, x)), x = N w / S in segment k >= 1.
Term repeated(const LawParams& p, double w, double b, double size, double lambda, double budget, double k, bool with_lambda) {
  const double x = budget * w / size;
  const PassTerm h = pass_term_with_slope(lambda, x, k, with_lambda);
  const double l = std::log(p.a * size / (w * p.normalizer));
  return {w * b * (l + h.value), b * (l + h.value - 1.0 + h.decay), w * b * h.decay / budget, with_lambda ? w * b * h.d_lambda : 0.0};
}

}  // namespace

UtilityGradient::UtilityGradient(const Model& model, double n, bool only_seen) : model_(&model), n_(n), only_seen_(only_seen) {
  if (model.params.law != LawKind::utility) throw InternalError("UtilityGradient needs the utility law");
}

double UtilityGradient::segment_of(std::size_t i, double w) const {
  const double x = n_ * w / model_->pools[i].size_samples;
  if (!(x > 1.0)) return 0.0;
  const double k = std::floor(x);
  return k == x ? k - 1.0 : k;
}

double UtilityGradient::effective_mix(std::span<const double> w) const {
  std::vector<double> kept(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double s = model_->pools[i].size_samples;
    kept[i] = only_seen_ ? std::min(s, n_ * w[i]) : s;
  }
  return effective_mix_size(kept, w);
}

double UtilityGradient::pool_slope(std::size_t i, double w, double segment, double effective_mix) const {
  const Pool& pool = model_->pools[i];
  const LawParams& p = model_->params;
  if (segment == 0.0 || !(w > 0)) return first_pass(p, w, pool.b, n_).d_weight;
  const double lambda = decay_rate(pool.tau_passes, effective_mix, pool.size_samples, p.tau_scaling);
  return repeated(p, w, pool.b, pool.size_samples, lambda, n_, segment, false).d_weight;
}

double UtilityGradient::kink_weight(std::size_t i, double k) const { return k * model_->pools[i].size_samples / n_; }

double UtilityGradient::evaluate(std::span<const double> w, std::span<const double> segment, std::span<double> grad) const {
  const Model& model = *model_;
  const LawParams& p = model.params;
  const std::size_t m = model.pools.size();
  const bool inside = p.irreducible == Irreducible::inside;
  // Kept samples (the family's `most` rule), dQ/dw (Q = sum w^2 / u = 1 / U~) and du/dw.
  std::vector<double> kept(m, 0.0), dq(m, 0.0), du(m, 0.0);
  double unique = 0.0;
  double collisions = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    const double s = model.pools[i].size_samples;
    const bool first = segment[i] == 0.0 && only_seen_;  // u = n w: exactly one pass over what is kept
    kept[i] = first ? n_ * w[i] : s;
    dq[i] = first ? 1.0 / n_ : 2.0 * w[i] / s;
    du[i] = first ? n_ : 0.0;
    if (w[i] > 0) {
      unique += kept[i];
      collisions += w[i] * (w[i] / kept[i]);
    }
  }
  const double effective = 1.0 / collisions;  // U~
  const double nd = inside ? irreducible_anchor(n_, unique) : n_;
  const bool anchored = inside && unique < n_;  // n_d = U moves with the kept samples
  std::vector<Term> at_n(m), at_nd(m);
  double a_log = 0.0, b_log = 0.0;        // A = ln R(n), B = ln R(n_d)
  double lambda_a = 0.0, lambda_b = 0.0;  // sum_i kappa lambda_i dT_i/dlambda_i (the U~ coupling)
  double budget_b = 0.0;                  // dB/dn_d
  for (std::size_t i = 0; i < m; ++i) {
    const Pool& pool = model.pools[i];
    const double s = pool.size_samples;
    const double lambda = decay_rate(pool.tau_passes, effective, s, p.tau_scaling);
    const bool capped = lambda <= kMinDecayRate || lambda >= kMaxDecayRate;  // dlambda/dU~ = 0 there
    const bool with_lambda = p.tau_scaling != 0.0 && !capped && w[i] > 0;
    at_n[i] = segment[i] == 0.0 || !(w[i] > 0) ? first_pass(p, w[i], pool.b, n_)
                                               : repeated(p, w[i], pool.b, s, lambda, n_, segment[i], with_lambda);
    if (anchored) {
      const double x = nd * w[i] / kept[i];
      at_nd[i] =
          x <= 1.0 || !(w[i] > 0) ? first_pass(p, w[i], pool.b, nd) : repeated(p, w[i], pool.b, s, lambda, nd, std::floor(x), with_lambda);
    } else {
      at_nd[i] = at_n[i];
    }
    a_log += at_n[i].value;
    b_log += at_nd[i].value;
    if (with_lambda) {
      lambda_a += p.tau_scaling * lambda * at_n[i].d_lambda;
      lambda_b += p.tau_scaling * lambda * at_nd[i].d_lambda;
    }
    budget_b += at_nd[i].d_budget;
  }
  const double r = std::exp(a_log);
  const double tail = inside ? p.d * std::exp(a_log - b_log) : 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    const double da = at_n[j].d_weight + dq[j] * effective * lambda_a;
    double db = da;
    if (anchored) db = at_nd[j].d_weight + dq[j] * effective * lambda_b + budget_b * du[j];
    grad[j] = r * da + tail * (da - db);
  }
  return inside ? r + tail : r + p.d;
}

}  // namespace qqt::detail
