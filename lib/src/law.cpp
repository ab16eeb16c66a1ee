// The QQT law of the project's spec (docs/law.md). Symbols follow the spec: S_i pool size, f_i kept
// fraction, w_i sampling weight, u_i = f_i S_i (>= 1 for a used pool), U = sum u_i,
// U~ = 1 / sum w_i^2 / u_i (effective mix size), tau_hat_i = tau_i (U~/S_i)^kappa,
// delta_i = 0.5^(1/tau_hat_i), P_i = u_i / w_i (mix samples per pass over pool i). The utility law's
// kernel (decay rate, pass term, tail, closing formula) is law_kernel.hpp, shared with the searches.
#include "qqt/law.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

#include "law_kernel.hpp"
#include "qqt/error.hpp"
#include "qqt/quantity.hpp"
#include "repetition_sum.hpp"

namespace qqt {

const char* to_string(LawKind law) {
  switch (law) {
    case LawKind::utility: return "utility";
    case LawKind::effective_data: return "effective-data";
    case LawKind::power: return "power";
  }
  throw InternalError("unknown LawKind");
}

const char* to_string(Irreducible irreducible) {
  switch (irreducible) {
    case Irreducible::outside: return "outside";
    case Irreducible::inside: return "inside";
  }
  throw InternalError("unknown Irreducible");
}

namespace {

bool finite(double x) { return std::isfinite(x); }

// Bounded time of the effective-data law (spec §5): one evaluation walks at most this many pass
// segments (well under a second at 10-20 ns a segment), else it is refused (NumericalError).
constexpr double kMaxWalk = 2e7;

[[noreturn]] void bad(const std::string& message) { throw InputError(message); }

}  // namespace

void validate(const Model& model) {
  const LawParams& p = model.params;
  if (!finite(p.a) || !(p.a > 0)) bad(fmt::format("a must be a finite number > 0, got {}", p.a));
  // d at most 1e-6 of the largest error reported (law_kernel.hpp kMaxPredictedError): larger values
  // would overflow the accuracy and margins derived from the error.
  if (!finite(p.d) || !(p.d >= 0) || !(p.d <= detail::kMaxPredictedError * 1e-6)) {
    bad(fmt::format("d must be a number in [0, {:g}], got {}", detail::kMaxPredictedError * 1e-6, p.d));
  }
  if (!finite(p.normalizer) || !(p.normalizer > 0)) {
    bad(fmt::format("normalizer must be a finite number > 0, got {}", p.normalizer));
  }
  if (!finite(p.tau_scaling) || !(p.tau_scaling >= 0)) {
    bad(fmt::format("tau_scaling must be a finite number >= 0, got {}", p.tau_scaling));
  }
  if (model.pools.empty()) bad("pools must list at least one pool");
  std::set<std::string> names;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    const Pool& pool = model.pools[i];
    const std::string where = fmt::format("pools[{}]", i);
    if (pool.name.empty()) bad(fmt::format("{}.name must not be empty", where));
    if (!names.insert(pool.name).second) bad(fmt::format("{}.name '{}' is a duplicate", where, pool.name));
    if (!finite(pool.size_samples) || !(pool.size_samples >= 1)) {
      bad(fmt::format("{}.size must be a finite number of at least 1 sample, got {}", where, pool.size_samples));
    }
    // The config reader's limit for any count (qqt/quantity.hpp): sums of sizes stay finite.
    if (pool.size_samples > kMaxCount) {
      bad(fmt::format("{}.size must be at most {:g} samples, got {}", where, kMaxCount, pool.size_samples));
    }
    if (!finite(pool.b) || !(pool.b < 0)) bad(fmt::format("{}.b must be negative, got {}", where, pool.b));
    if (!finite(pool.tau_passes) || !(pool.tau_passes > 0)) {
      bad(fmt::format("{}.tau must be a finite number > 0, got {}", where, pool.tau_passes));
    }
    if (pool.share && (!finite(*pool.share) || !(*pool.share > 0) || !(*pool.share <= 1))) {
      bad(fmt::format("{}.share must be in (0, 1], got {}", where, *pool.share));
    }
  }
}

// One used pool of the mix.
struct Mixture::Term {
  double weight;  // w_i
  double b;       // b_i
  double period;  // P_i = u_i / w_i, in mix samples
  double lambda;  // ln 2 / tau_hat_i, so delta_i^k = exp(-lambda k)
  detail::RepetitionSum sum;

  Term(double w, double b_, double p, double l) : weight(w), b(b_), period(p), lambda(l), sum(l) {}
};

Mixture::~Mixture() = default;
Mixture::Mixture(Mixture&&) noexcept = default;
Mixture& Mixture::operator=(Mixture&&) noexcept = default;

Mixture::Mixture(const Model& model, const Strategy& strategy) : walk_limit_(kMaxWalk), params_(model.params) {
  const std::size_t m = model.pools.size();
  if (m == 0) bad("the model has no pools");
  fractions_ = strategy.fractions.empty() ? std::vector<double>(m, 1.0) : strategy.fractions;
  if (fractions_.size() != m) {
    bad(fmt::format("fractions: expected {} values (one per pool), got {}", m, fractions_.size()));
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (!finite(fractions_[i]) || fractions_[i] < 0 || fractions_[i] > 1) {
      bad(fmt::format("fractions[{}] ({}) must be in [0, 1], got {}", i, model.pools[i].name, fractions_[i]));
    }
  }
  std::vector<double> kept(m);
  double kept_total = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    kept[i] = fractions_[i] * model.pools[i].size_samples;
    kept_total += kept[i];
  }
  if (!(kept_total > 0)) bad("the strategy keeps no data: every kept fraction is 0");

  if (strategy.weights.empty()) {
    weights_.resize(m);
    for (std::size_t i = 0; i < m; ++i) weights_[i] = kept[i] / kept_total;
  } else {
    if (strategy.weights.size() != m) {
      bad(fmt::format("weights: expected {} values (one per pool), got {}", m, strategy.weights.size()));
    }
    double total = 0.0;
    for (std::size_t i = 0; i < m; ++i) {
      const double w = strategy.weights[i];
      if (!finite(w) || w < 0) {
        bad(fmt::format("weights[{}] ({}) must be a finite number >= 0, got {}", i, model.pools[i].name, w));
      }
      if (w > 0 && kept[i] == 0) {
        bad(fmt::format("weights[{}] ({}) is {} but the pool keeps no data (fraction 0)", i, model.pools[i].name, w));
      }
      total += w;
    }
    if (!(std::abs(total - 1.0) <= 1e-6)) bad(fmt::format("weights must sum to 1, got {}", total));
    weights_ = strategy.weights;
    for (double& w : weights_) w /= total;
  }

  unique_samples_ = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    if (!(weights_[i] > 0)) continue;
    // Spec §2: a used pool keeps at least one sample (else its period u_i / w_i and U~ lose meaning:
    // a fraction of a sample drawn at a tiny weight would shrink every pool's half-life).
    if (!(kept[i] >= 1)) {
      bad(
          fmt::format("fractions[{}] ({}) keeps {:.6g} samples (f S = {} x {}), but a used pool must keep at least "
                      "one sample (f_i S_i >= 1); use fraction 0 or weight 0 to leave it out",
                      i, model.pools[i].name, kept[i], fractions_[i], model.pools[i].size_samples));
    }
    unique_samples_ += kept[i];
  }
  // U~ = 1 / sum_i w_i^2 / u_i: the size tau_hat scales with (spec §2); U for uniform weights.
  effective_samples_ = detail::effective_mix_size(kept, weights_);
  const bool uniform = detail::uniform_over_kept(kept, weights_, unique_samples_);
  for (std::size_t i = 0; i < m; ++i) {
    if (!(weights_[i] > 0)) {
      fractions_[i] = 0.0;  // a pool drawn with weight 0 is not used (spec §1)
      continue;
    }
    const Pool& pool = model.pools[i];
    // The kernel's one rule (law_kernel.hpp): tau_hat that over- or underflows gives a capped rate.
    const double lambda = detail::decay_rate(pool.tau_passes, effective_samples_, pool.size_samples, params_.tau_scaling);
    terms_.push_back(
        std::make_unique<Term>(weights_[i], pool.b, detail::pass_period(kept[i], weights_[i], uniform, unique_samples_), lambda));
  }
}

void Mixture::limit_walk(double max_segments) {
  if (!(max_segments >= 0)) throw InternalError(fmt::format("Mixture::limit_walk: {} is not >= 0", max_segments));
  walk_limit_ = std::min(max_segments, kMaxWalk);
}

double Mixture::error(double n) const {
  // A budget is a count of samples seen: below one sample the law has no meaning (spec §2 keeps
  // every used pool at >= 1 sample for the same reason).
  if (!(n >= 1) || !finite(n)) bad(fmt::format("budget must be a finite number of at least 1 sample, got {}", n));
  double y = 0.0;
  switch (params_.law) {
    case LawKind::utility: y = utility_error(n); break;
    case LawKind::effective_data: y = effective_data_error(n); break;
    case LawKind::power: y = power_error(n); break;
  }
  if (!(detail::bounded_error(y) <= detail::kMaxPredictedError)) {
    throw NumericalError(
        fmt::format("the predicted error at budget {} is beyond {:g} (the law is far outside its "
                    "range: check a, b and the normalizer)",
                    format_count(n), detail::kMaxPredictedError));
  }
  return y;
}

// Spec §5: ln R(n) = sum_i w_i b_i G_i(n) with
//   G_i(n) = ln(a min(P_i, n) / N0) + sum_{k=1..floor(n/P_i)} delta_i^k ln(min(k+1, n/P_i) / k),
// accumulated and closed by the kernel (law_kernel.hpp); C(K - 1) comes from the pool's table.
// `inside` also needs ln R at n_d = min(n, U), evaluated the same way.
double Mixture::utility_error(double n) const {
  double first_break = n;
  for (const auto& t : terms_) first_break = std::min(first_break, t->period);
  const auto log_r_at = [&](double budget) {
    detail::UtilityLogSum log_r(params_, first_break, budget);
    for (const auto& t : terms_) {
      log_r.add(t->weight, t->b, t->period, detail::pass_term(t->lambda, budget / t->period, [&](double k) { return t->sum.prefix(k); }));
    }
    return log_r;
  };
  const detail::UtilityLogSum at_n = log_r_at(n);
  const double nd = detail::irreducible_anchor(n, unique_samples_);
  const double rest_nd = params_.irreducible == Irreducible::inside ? (nd < n ? log_r_at(nd).rest() : at_n.rest()) : 0.0;
  return detail::close_utility(params_, at_n.beta0(), at_n.l1(), at_n.rest(), rest_nd);
}

// Spec §3: segments between the merged breakpoints k P_i; on each, q_i = w_i delta_i^k_i,
//   beta_s = sum q_i b_i / sum q_i,  E_s = E_{s-1} + a (n_{s+1} - n_s)/N0 sum q_i,
//   y = (a n1'/N0)^beta_0 prod_s (E_s/E_{s-1})^beta_s + d.
// The walk stops early once what the remaining passes could still add to E (a geometric bound)
// is below 1e-17 of E: the curve is flat to double precision from there. A pool whose remaining
// passes are below 1e-18 of both E and sum q is retired, so a tiny pool beside a large one does
// not make the walk take its every pass.
double Mixture::effective_data_error(double n) const {
  constexpr double kFlat = 1e-17;
  constexpr double kRetire = 1e-18;
  constexpr double kCheckpointEvery = 256;  // segments between checkpoints

  const std::size_t p = terms_.size();
  const double scale = params_.a / params_.normalizer;
  double first_break = std::numeric_limits<double>::infinity();
  double beta0 = 0.0;
  for (const auto& t : terms_) {
    first_break = std::min(first_break, t->period);
    beta0 += t->weight * t->b;
  }
  if (n <= first_break) return std::exp(beta0 * std::log(scale * n)) + params_.d;

  // Every used pool with the same b (one pool, or pools of equal utility): beta_s = b on every
  // segment, so the product telescopes to y = E(n)^b + d (E_0 = a n1'/N0), with E(n) in closed form,
  //   E(n) = (a / N0) sum_i w_i I_i(n),   I_i(n) = int_0^n delta_i^floor(m / P_i) dm
  //        = P_i (1 - delta_i^K) / (1 - delta_i) + (n - K P_i) delta_i^K,   K = floor(n / P_i)
  // (the first n1' <= P_i samples lie in every pool's first pass, and sum_i w_i = 1). No walk.
  bool same_b = true;
  for (const auto& t : terms_) same_b = same_b && t->b == terms_.front()->b;
  if (same_b) {
    double e = 0.0;
    for (const auto& t : terms_) {
      const double passes = std::floor(n / t->period);
      const double decay = std::exp(-t->lambda * passes);  // delta^K
      // (1 - delta^K) / (1 - delta) by expm1, exact for delta near 1; K when lambda K underflows.
      const double whole = t->lambda * passes > 0 ? std::expm1(-t->lambda * passes) / std::expm1(-t->lambda) : passes;
      e += t->weight * (t->period * whole + (n - passes * t->period) * decay);
    }
    return std::exp(terms_.front()->b * std::log(scale * e)) + params_.d;
  }
  if (flat_from_ > 0 && n >= flat_from_) return std::exp(flat_log_y_) + params_.d;

  // Resume from the last checkpoint at or below n, or start at the first breakpoint.
  WalkState st;
  const auto after =
      std::upper_bound(checkpoints_.begin(), checkpoints_.end(), n, [](double value, const WalkState& w) { return value < w.m; });
  if (after != checkpoints_.begin()) {
    st = *(after - 1);
  } else {
    st.m = first_break;
    st.log_y = beta0 * std::log(scale * first_break);
    st.e = scale * first_break;
    st.passes.assign(p, 0.0);
    st.retired.assign(p, 0);
  }
  std::vector<double> q(p, 0.0), rest(p, 0.0);
  double since_checkpoint = 0.0;
  const double walked_before = st.walked;
  struct Count {  // adds this call's walk to walked_segments_ however the walk ends
    double& total;
    const WalkState& state;
    double before;
    ~Count() { total += state.walked - before; }
  } count{walked_segments_, st, walked_before};
  while (st.m < n) {
    if (since_checkpoint >= kCheckpointEvery && (checkpoints_.empty() || st.m > checkpoints_.back().m)) {
      checkpoints_.push_back(st);
      since_checkpoint = 0.0;
    }
    since_checkpoint += 1.0;
    st.walked += 1.0;
    for (std::size_t i = 0; i < p; ++i) {
      if (st.retired[i]) continue;
      // At most a step or two: the walk only moves to the next breakpoint of an active pool.
      while ((st.passes[i] + 1.0) * terms_[i]->period <= st.m) {
        st.passes[i] += 1.0;
        st.walked += 1.0;
      }
    }
    // kMaxWalk bounds the walk of the strategy (checkpoints included), walk_limit_ this call's part.
    if (st.walked > kMaxWalk || st.walked - walked_before > walk_limit_) {
      double min_lambda = terms_.front()->lambda;
      for (const auto& t : terms_) min_lambda = std::min(min_lambda, t->lambda);
      throw NumericalError(
          fmt::format("effective-data law: budget {} needs more than {:g} pass segments before the repetition decay flattens the "
                      "curve (tau_hat up to {:.3g} passes); use a smaller budget or tau, or the utility law",
                      format_count(n), st.walked > kMaxWalk ? kMaxWalk : walk_limit_, detail::half_life(min_lambda)));
    }
    double q_sum = 0.0;
    double remaining = 0.0;
    for (std::size_t i = 0; i < p; ++i) {
      if (st.retired[i]) continue;
      const double decay = std::exp(-terms_[i]->lambda * st.passes[i]);
      q[i] = terms_[i]->weight * decay;
      // w_i P_i delta^k / (1 - delta): what all remaining passes of pool i add to E / scale
      rest[i] = terms_[i]->lambda > 0 ? decay * terms_[i]->weight * terms_[i]->period / -std::expm1(-terms_[i]->lambda)
                                      : std::numeric_limits<double>::infinity();
      q_sum += q[i];
      remaining += rest[i];
    }
    if (q_sum == 0.0 || scale * remaining <= kFlat * st.e) {
      flat_from_ = st.m;
      flat_log_y_ = st.log_y;
      break;
    }
    double qb_sum = 0.0;
    double m_next = n;
    for (std::size_t i = 0; i < p; ++i) {
      if (st.retired[i]) continue;
      if (scale * rest[i] <= kRetire * st.e && q[i] <= kRetire * q_sum) {
        st.retired[i] = 1;
        q_sum -= q[i];
        continue;
      }
      qb_sum += q[i] * terms_[i]->b;
      m_next = std::min(m_next, (st.passes[i] + 1.0) * terms_[i]->period);
    }
    const double increment = scale * (m_next - st.m) * q_sum;
    st.log_y += (qb_sum / q_sum) * std::log1p(increment / st.e);
    st.e += increment;
    st.m = m_next;
  }
  return std::exp(st.log_y) + params_.d;
}

// Spec §4: y = (a n / N0)^b + d with b = sum w_i b_i; repetition is ignored.
double Mixture::power_error(double n) const {
  double b = 0.0;
  for (const auto& t : terms_) b += t->weight * t->b;
  return std::exp(b * std::log(params_.a * n / params_.normalizer)) + params_.d;
}

double predict_error(const Model& model, const Strategy& strategy, double n_samples) { return Mixture(model, strategy).error(n_samples); }

}  // namespace qqt
