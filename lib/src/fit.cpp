// The fit of docs/fit.md. Coordinates: x = ln a, d, ln(-b), ln tau (one per free parameter).
// Phases: (1) a Halton scan of the start box (shifted by the seed) plus the initial guess,
// (2) local runs (Levenberg-Marquardt, or NLopt BOBYQA) from the best scan points until the best
// objective is confirmed, (3) a polish of the best point: Levenberg-Marquardt to the tight
// tolerance, then NLopt BOBYQA (derivative-free) from there, repeated while it still improves.
#include "qqt/fit.hpp"

#include <fmt/format.h>

#include <spdlog/spdlog.h>
#include <Eigen/Dense>
#include <nlopt.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "nlopt_util.hpp"
#include "qqt/error.hpp"
#include "qqt/text.hpp"
#include "random.hpp"

namespace qqt {

namespace {

const std::vector<std::string> kParameterNames = {"a", "d", "b", "tau"};

double loss_derivative(const Loss& loss, double r) {
  if (loss.kind == Loss::Kind::squared) return 2.0 * r;
  return std::abs(r) <= loss.delta ? r : (r > 0 ? loss.delta : -loss.delta);
}

double loss_of(const Loss& loss, double r) {
  if (loss.kind == Loss::Kind::squared) return r * r;
  const double abs_r = std::abs(r);
  return abs_r <= loss.delta ? 0.5 * r * r : loss.delta * (abs_r - 0.5 * loss.delta);
}

bool in_range(double x, double lo, double hi) { return x >= lo && x <= hi; }

}  // namespace

void validate(const FitOptions& o) {
  auto bad = [](const std::string& m) { throw InputError(m); };
  if (o.loss.kind == Loss::Kind::huber && !(std::isfinite(o.loss.delta) && o.loss.delta > 0)) {
    bad(fmt::format("loss: huber delta must be a finite number > 0, got {}", o.loss.delta));
  }
  std::vector<std::string> seen;
  for (const auto& [name, value] : o.fixed) {
    if (std::find(kParameterNames.begin(), kParameterNames.end(), name) == kParameterNames.end()) {
      bad(fmt::format("fix: '{}' is not a parameter; use a, d, b or tau", name));
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) bad(fmt::format("fix: '{}' is given twice", name));
    seen.push_back(name);
    if (std::isnan(value)) continue;  // hold the config's value
    if (!std::isfinite(value)) bad(fmt::format("fix: {}={} must be finite", name, value));
    if (name == "a" && !(value > 0)) bad(fmt::format("fix: a={} must be > 0", value));
    if (name == "d" && !(value >= 0)) bad(fmt::format("fix: d={} must be >= 0", value));
    if (name == "b" && !(value < 0)) bad(fmt::format("fix: b={} must be < 0", value));
    if (name == "tau" && !(value > 0)) bad(fmt::format("fix: tau={} must be > 0", value));
  }
  if (!in_range(o.scan_points, 0, 1'000'000)) bad(fmt::format("scan_points must be in [0, 1000000], got {}", o.scan_points));
  if (!in_range(o.max_local_runs, 1, 1000)) bad(fmt::format("max_local_runs must be in [1, 1000], got {}", o.max_local_runs));
  if (!in_range(o.confirmations, 1, o.max_local_runs)) {
    bad(fmt::format("confirmations must be in [1, max_local_runs = {}], got {}", o.max_local_runs, o.confirmations));
  }
  if (!in_range(o.confirmation_rel_tol, 0, 1e-2))
    bad(fmt::format("confirmation_rel_tol must be in [0, 1e-2], got {}", o.confirmation_rel_tol));
  if (!in_range(o.local_xtol_rel, 1e-15, 1e-2)) bad(fmt::format("local_xtol_rel must be in [1e-15, 1e-2], got {}", o.local_xtol_rel));
  if (!in_range(o.polish_xtol_rel, 1e-15, 1e-2)) bad(fmt::format("polish_xtol_rel must be in [1e-15, 1e-2], got {}", o.polish_xtol_rel));
  if (!in_range(static_cast<double>(o.max_evaluations), 100, 1e8)) {
    bad(fmt::format("max_evaluations must be in [100, 100000000], got {}", o.max_evaluations));
  }
  const FitBounds& b = o.bounds;
  if (!(std::isfinite(b.a_min) && std::isfinite(b.a_max) && b.a_min > 0 && b.a_min < b.a_max)) {
    bad(fmt::format("bounds: need 0 < a_min < a_max < inf, got [{}, {}]", b.a_min, b.a_max));
  }
  if (!(std::isfinite(b.d_min) && !std::isnan(b.d_max) && b.d_min >= 0 && b.d_min < b.d_max)) {
    bad(fmt::format("bounds: need 0 <= d_min < d_max (d_max may be inf), got [{}, {}]", b.d_min, b.d_max));
  }
  if (!(std::isfinite(b.b_min) && b.b_min < b.b_max && b.b_max < 0)) {
    bad(fmt::format("bounds: need -inf < b_min < b_max < 0, got [{}, {}]", b.b_min, b.b_max));
  }
  if (!(std::isfinite(b.tau_max) && b.tau_min > 0 && b.tau_min < b.tau_max)) {
    bad(fmt::format("bounds: need 0 < tau_min < tau_max < inf, got [{}, {}]", b.tau_min, b.tau_max));
  }
}

LawKind parse_law(std::string_view text, std::string_view what) {
  for (const LawKind k : {LawKind::utility, LawKind::effective_data, LawKind::power}) {
    if (text == to_string(k)) return k;
  }
  throw InputError(fmt::format("{}: '{}' is not a law; use utility, effective-data or power", what, text));
}

std::vector<std::pair<std::string, double>> parse_fixed(std::string_view text, std::string_view what) {
  std::vector<std::pair<std::string, double>> out;
  for (const std::string_view item : split_list(text)) {
    const std::size_t eq = item.find('=');
    const std::string name(item.substr(0, eq));
    if (std::find(kParameterNames.begin(), kParameterNames.end(), name) == kParameterNames.end()) {
      throw InputError(
          fmt::format("{}: '{}' is not a parameter; use a, d, b or tau (NAME=VALUE, or NAME to hold the config's value)", what, name));
    }
    double value = std::numeric_limits<double>::quiet_NaN();
    if (eq != std::string_view::npos) {
      const ParsedNumber number = parse_number(item.substr(eq + 1));
      if (!number.ok()) throw InputError(fmt::format("{}: the value of {} in '{}' is not a finite number", what, name, item));
      value = number.value;
    }
    out.emplace_back(name, value);
  }
  return out;
}

void parse_shared(std::string_view text, std::string_view what, FitOptions& options) {
  for (const std::string_view item : split_list(text)) {
    if (item == "b") {
      options.shared_b = true;
    } else if (item == "tau") {
      options.shared_tau = true;
    } else {
      throw InputError(fmt::format("{}: '{}' cannot be shared; use b, tau or b,tau (a and d are always shared)", what, item));
    }
  }
}

ParameterSet parameters_of(const Model& model) {
  ParameterSet s;
  s.a = model.params.a;
  s.d = model.params.d;
  for (const auto& p : model.pools) {
    s.b.push_back(p.b);
    s.tau.push_back(p.tau_passes);
  }
  return s;
}

Model with_parameters(Model model, const ParameterSet& set) {
  if (set.b.size() != model.pools.size() || set.tau.size() != model.pools.size()) {
    throw InternalError(
        fmt::format("with_parameters: {} pools but {} b and {} tau values", model.pools.size(), set.b.size(), set.tau.size()));
  }
  model.params.a = set.a;
  model.params.d = set.d;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    model.pools[i].b = set.b[i];
    model.pools[i].tau_passes = set.tau[i];
  }
  return model;
}

double fit_objective(const Model& model, const Observations& observations, const Loss& loss) {
  double total = 0.0;
  for (const auto& row : observations.rows) {
    if (!(row.weight > 0)) continue;
    try {
      const double y = predict_error(model, strategy_of(row, model), row.samples_seen);
      total += row.weight * loss_of(loss, y - row.error);
    } catch (const NumericalError&) {
      return std::numeric_limits<double>::infinity();
    }
  }
  return total;
}

namespace {

enum class Kind { a, d, b, tau };

// A fitted coordinate: what it sets, its transformed bounds and start box.
struct Free {
  Kind kind;
  std::optional<std::size_t> pool;  // nullopt: shared (a, d, or b/tau of every pool)
  std::string name;
  double lo, hi;                  // hard bounds, transformed
  double scan_lo, scan_hi;        // start box, transformed, inside [lo, hi]
  double natural_lo, natural_hi;  // hard bounds in natural units (for messages)
};

double to_x(Kind k, double v) {
  switch (k) {
    case Kind::a:
    case Kind::tau: return std::log(v);
    case Kind::d: return v;
    case Kind::b: return std::log(-v);
  }
  return v;
}

double from_x(Kind k, double x) {
  switch (k) {
    case Kind::a:
    case Kind::tau: return std::exp(x);
    case Kind::d: return x;
    case Kind::b: return -std::exp(x);
  }
  return x;
}

// The objective over the free coordinates. Rows are grouped by the pools of their run so that one
// Mixture per group and evaluation serves all its rows.
class Problem {
 public:
  Problem(const Model& start, const Observations& observations, const FitOptions& options)
      : observations_(observations), options_(options), work_(start) {
    validate(options);
    if (options.law) work_.params.law = *options.law;
    const std::size_t m = work_.pools.size();
    if (m == 0) throw InputError("the config has no pools to fit");
    const bool power = work_.params.law == LawKind::power;

    // Held values.
    std::map<std::string, double> fixed;
    for (const auto& [name, value] : options.fixed) fixed[name] = value;
    auto hold = [&](const std::string& name, double& slot, const std::string& where) {
      const double v = fixed.at(name);
      if (!std::isnan(v)) {
        slot = v;
      } else if (std::isnan(slot)) {
        throw InputError(fmt::format("--fix {}: {} has no value in the config to hold; give one (--fix {}=VALUE)", name, where, name));
      }
    };
    if (fixed.count("a")) hold("a", work_.params.a, "a");
    if (fixed.count("d")) hold("d", work_.params.d, "d");
    if (fixed.count("b")) {
      for (std::size_t i = 0; i < m; ++i) {
        if (options.shared_b && i > 0) {
          work_.pools[i].b = work_.pools[0].b;
        } else {
          hold("b", work_.pools[i].b, fmt::format("pools[{}].b", i));
        }
      }
    }
    tau_factor_.assign(m, 1.0);
    for (std::size_t i = 0; i < m; ++i) {
      tau_factor_[i] = std::pow(work_.pools[i].size_samples / work_.pools[0].size_samples, work_.params.tau_scaling);
    }
    if (fixed.count("tau") && !power) {
      for (std::size_t i = 0; i < m; ++i) {
        if (options.shared_tau && i > 0) {
          work_.pools[i].tau_passes = work_.pools[0].tau_passes * tau_factor_[i];
        } else if (options.shared_tau || std::isnan(fixed.at("tau"))) {
          hold("tau", work_.pools[i].tau_passes, fmt::format("pools[{}].tau", i));
        } else {
          work_.pools[i].tau_passes = fixed.at("tau");
        }
      }
    }
    if (power) {
      for (auto& p : work_.pools) {
        if (std::isnan(p.tau_passes)) p.tau_passes = 1.0;  // unused by the power law
      }
    }

    // Data-dependent start box for d: the law's error never falls below d when d is added outside.
    double min_error = std::numeric_limits<double>::infinity(), max_error = 0.0;
    for (const auto& r : observations.rows) {
      if (!(r.weight > 0)) continue;
      min_error = std::min(min_error, r.error);
      max_error = std::max(max_error, r.error);
      scale_ += r.weight * loss_of(options.loss, r.error);
    }
    if (!(scale_ > 0)) scale_ = 1.0;
    const bool d_inside = work_.params.law == LawKind::utility && work_.params.irreducible == Irreducible::inside;
    FitBounds bd = options.bounds;
    // d's upper bound follows the metric kind (metric.hpp): 1 for an error rate, just below the
    // smallest observation for a loss (y = R + d with R > 0), cut by the option's own d_max.
    const DRange kind_d = d_range(work_.metric.kind, min_error);
    bd.d_min = std::max(bd.d_min, kind_d.lo);
    bd.d_max = std::min(bd.d_max, kind_d.hi);
    if (!(bd.d_min < bd.d_max)) {
      throw InputError(fmt::format("{}: the fit's range of d is empty: d_min {} is not below the bound {} of a {} metric",
                                   observations.source, bd.d_min, bd.d_max, to_string(work_.metric.kind)));
    }

    auto add = [&](Kind k, std::optional<std::size_t> pool, std::string name, double nlo, double nhi, double slo, double shi) {
      Free f{k, pool, std::move(name), 0, 0, 0, 0, nlo, nhi};
      double lo = to_x(k, nlo), hi = to_x(k, nhi);
      if (lo > hi) std::swap(lo, hi);
      double s1 = to_x(k, std::clamp(slo, nlo, nhi)), s2 = to_x(k, std::clamp(shi, nlo, nhi));
      if (s1 > s2) std::swap(s1, s2);
      f.lo = lo;
      f.hi = hi;
      f.scan_lo = s1;
      f.scan_hi = s2;
      free_.push_back(std::move(f));
    };
    // Start box (docs/fit.md): a in [1e-4, 1e4], d in [0, min or max observed error],
    // b in [-1, -0.01], tau in [0.5, 100] passes, each cut to the hard bounds.
    if (!fixed.count("a")) add(Kind::a, std::nullopt, "a", bd.a_min, bd.a_max, 1e-4, 1e4);
    if (!fixed.count("d"))
      add(Kind::d, std::nullopt, "d", bd.d_min, bd.d_max, bd.d_min, std::max(bd.d_min, d_inside ? max_error : min_error));
    // Which pools the rows (of positive weight) inform, and whose tau they can identify: tau only
    // acts after a full pass over a pool's data (for a union of pools, over the union).
    std::vector<bool>& observed = observed_;
    observed.assign(m, false);
    std::vector<bool> repeated(m, false);
    for (const auto& r : observations.rows) {
      if (!(r.weight > 0)) continue;
      double unique = 0.0;
      for (std::size_t i : r.pools) {
        if (i < m) unique += work_.pools[i].size_samples;
      }
      for (std::size_t i : r.pools) {
        if (i >= m) continue;
        observed[i] = true;
        if (r.samples_seen > unique) repeated[i] = true;
      }
    }
    // A pool without runs keeps its own b and tau from the config (they cannot be fitted).
    auto unobserved = [&](std::size_t i, const char* key, double value) {
      if (std::isnan(value)) {
        throw InputError(fmt::format("pool '{}' has no runs in {} to fit its {} from; give pools[{}].{} in the config or add runs",
                                     work_.pools[i].name, observations.source, key, i, key));
      }
      warnings_.push_back(fmt::format("pool '{}' has no runs: its {} stays at the config's {}", work_.pools[i].name, key, value));
    };
    if (!fixed.count("b")) {
      if (options.shared_b) {
        add(Kind::b, std::nullopt, "b", bd.b_min, bd.b_max, -1.0, -0.01);
      } else {
        for (std::size_t i = 0; i < m; ++i) {
          if (!observed[i]) {
            unobserved(i, "b", work_.pools[i].b);
            continue;
          }
          add(Kind::b, i, fmt::format("b[{}]", work_.pools[i].name), bd.b_min, bd.b_max, -1.0, -0.01);
        }
      }
    }
    if (!fixed.count("tau") && !power) {
      if (options.shared_tau) {
        add(Kind::tau, std::nullopt, "tau", bd.tau_min, bd.tau_max, 0.5, 100.0);
        if (std::none_of(repeated.begin(), repeated.end(), [](bool x) { return x; })) {
          warnings_.push_back("tau is not identified: no run goes past one pass over its data; tau stays near its start");
        }
      } else {
        for (std::size_t i = 0; i < m; ++i) {
          if (!observed[i]) {
            unobserved(i, "tau", work_.pools[i].tau_passes);
            continue;
          }
          add(Kind::tau, i, fmt::format("tau[{}]", work_.pools[i].name), bd.tau_min, bd.tau_max, 0.5, 100.0);
          if (!repeated[i]) {
            warnings_.push_back(fmt::format("tau[{}] is not identified: no run goes past one pass over its data; it stays near its start",
                                            work_.pools[i].name));
          }
        }
      }
    }

    // Initial guess: the config's value where given (the first pool's for a shared parameter), else
    // the middle of the start box; clipped to the bounds.
    for (const Free& f : free_) {
      double v = std::numeric_limits<double>::quiet_NaN();
      const std::size_t i = f.pool.value_or(0);
      switch (f.kind) {
        case Kind::a: v = start.params.a; break;
        case Kind::d: v = start.params.d; break;
        case Kind::b: v = start.pools[i].b; break;
        case Kind::tau: v = start.pools[i].tau_passes; break;
      }
      const bool valid = std::isfinite(v) && (f.kind == Kind::d ? v >= 0 : f.kind == Kind::b ? v < 0 : v > 0);
      const double x = valid ? to_x(f.kind, v) : 0.5 * (f.scan_lo + f.scan_hi);
      initial_.push_back(std::clamp(x, f.lo, f.hi));
    }

    // Group the rows of positive weight by their pools.
    std::map<std::vector<std::size_t>, std::size_t> group_of;
    for (std::size_t r = 0; r < observations.rows.size(); ++r) {
      const Observation& row = observations.rows[r];
      for (std::size_t i : row.pools) {
        if (i >= m) throw InternalError(fmt::format("observation row {} names pool {} of {}", r, i, m));
      }
      if (!(row.weight > 0)) continue;
      const auto [it, inserted] = group_of.emplace(row.pools, groups_.size());
      if (inserted) groups_.push_back({strategy_of(row, work_), {}});
      groups_[it->second].rows.push_back(r);
    }
    for (const auto& g : groups_) {
      for (std::size_t r : g.rows) {
        rows_.push_back(r);
        weights_.push_back(observations.rows[r].weight);
      }
    }
  }

  std::size_t dimension() const { return free_.size(); }
  const std::vector<Free>& free() const { return free_; }
  /// Per pool: some row of positive weight uses it.
  const std::vector<bool>& observed() const { return observed_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::vector<double>& initial() const { return initial_; }
  double scale() const { return scale_; }
  std::size_t evaluations() const { return evaluations_; }
  long remaining() const { return options_.max_evaluations - static_cast<long>(evaluations_); }

  // Large but finite, so that BOBYQA's quadratic models stay finite.
  double penalty() const { return 1e20 * scale_; }

  // Residuals predicted - observed of the grouped rows (in rows_ order); false if a prediction is
  // not finite. Counts one evaluation.
  bool residuals(const double* x, std::vector<double>& r) {
    ++evaluations_;
    apply(x, work_);
    r.resize(rows_.size());
    try {
      std::size_t k = 0;
      for (const auto& g : groups_) {
        const Mixture mix(work_, g.strategy);
        for (std::size_t row : g.rows) {
          const Observation& o = observations_.rows[row];
          r[k++] = mix.error(o.samples_seen) - o.error;
        }
      }
    } catch (const NumericalError&) {
      return false;
    }
    return true;
  }

  double loss_sum(const std::vector<double>& r) const {
    double total = 0.0;
    for (std::size_t k = 0; k < r.size(); ++k) total += weights_[k] * loss_of(options_.loss, r[k]);
    return std::isfinite(total) ? std::min(total, penalty()) : penalty();
  }

  double objective(const double* x) {
    if (!residuals(x, r_)) return penalty();
    return loss_sum(r_);
  }

  std::size_t residual_count() const { return rows_.size(); }
  const std::vector<double>& weights() const { return weights_; }
  const Loss& loss() const { return options_.loss; }

  // Forward-difference Jacobian of the residuals at x (r = residuals at x), a backward step at an
  // upper bound: n evaluations. A column whose step fails is left 0. J is row-major rows x n.
  void jacobian(const double* x, const std::vector<double>& r, std::vector<double>& jac) {
    const std::size_t n = free_.size(), m = rows_.size();
    jac.assign(m * n, 0.0);
    std::vector<double> xs(x, x + n);
    for (std::size_t j = 0; j < n; ++j) {
      double h = 1.4901161193847656e-08 * std::max(1.0, std::abs(x[j]));
      if (xs[j] + h > free_[j].hi) h = -h;
      xs[j] = x[j] + h;
      h = xs[j] - x[j];  // the step actually taken
      const bool ok = residuals(xs.data(), rs_);
      xs[j] = x[j];
      if (!ok) continue;
      for (std::size_t k = 0; k < m; ++k) jac[k * n + j] = (rs_[k] - r[k]) / h;
    }
  }

  Model model_at(const std::vector<double>& x) const {
    Model m = work_;
    apply(x.data(), m);
    return m;
  }

 private:
  struct Group {
    Strategy strategy;
    std::vector<std::size_t> rows;
  };

  void apply(const double* x, Model& m) const {
    for (std::size_t k = 0; k < free_.size(); ++k) {
      const Free& f = free_[k];
      const double v = from_x(f.kind, x[k]);
      switch (f.kind) {
        case Kind::a: m.params.a = v; break;
        case Kind::d: m.params.d = v; break;
        case Kind::b:
          if (f.pool) {
            m.pools[*f.pool].b = v;
          } else {
            for (auto& p : m.pools) p.b = v;
          }
          break;
        case Kind::tau:
          if (f.pool) {
            m.pools[*f.pool].tau_passes = v;
          } else {
            for (std::size_t i = 0; i < m.pools.size(); ++i) m.pools[i].tau_passes = v * tau_factor_[i];
          }
          break;
      }
    }
  }

  const Observations& observations_;
  const FitOptions& options_;
  Model work_;
  std::vector<Free> free_;
  std::vector<bool> observed_;
  std::vector<std::string> warnings_;
  std::vector<double> initial_;
  std::vector<double> tau_factor_;
  std::vector<Group> groups_;
  std::vector<std::size_t> rows_;  // row indices in group order (the order of residuals)
  std::vector<double> weights_;    // their weights
  std::vector<double> r_, rs_;     // scratch residuals
  double scale_ = 0.0;
  std::size_t evaluations_ = 0;
};

double nlopt_objective(unsigned n, const double* x, double* grad, void* data) {
  (void)n;
  (void)grad;  // derivative-free algorithms only (LN_BOBYQA, LN_COBYLA)
  return static_cast<Problem*>(data)->objective(x);
}

// Levenberg-Marquardt iterations allowed per run (each costs one evaluation, plus n on success).
constexpr int kLmIterations = 500;

struct LocalResult {
  std::vector<double> x;
  double f = 0.0;
  nlopt::result result = nlopt::FAILURE;
};

// One NLopt local run from x0 within the hard bounds. BOBYQA needs two or more coordinates; a single
// one uses COBYLA.
LocalResult nlopt_run(Problem& problem, std::vector<double> x0, double xtol_rel, double step_fraction) {
  const std::size_t n = problem.dimension();
  LocalResult out;
  out.x = std::move(x0);
  const long budget = problem.remaining();
  if (budget <= 0) {
    out.f = problem.objective(out.x.data());
    out.result = nlopt::MAXEVAL_REACHED;
    return out;
  }
  nlopt::opt opt(n >= 2 ? nlopt::LN_BOBYQA : nlopt::LN_COBYLA, static_cast<unsigned>(n));
  std::vector<double> lo(n), hi(n), step(n), xtol_abs(n);
  for (std::size_t k = 0; k < n; ++k) {
    const Free& f = problem.free()[k];
    lo[k] = f.lo;
    hi[k] = f.hi;
    const double width = std::max(f.scan_hi - f.scan_lo, 1e-3 * (f.hi - f.lo));
    step[k] = std::min(step_fraction * width, 0.25 * (f.hi - f.lo));
    // Absolute floor of the step test, for coordinates near 0 (ln tau at tau = 1, say).
    xtol_abs[k] = xtol_rel * 1e-2;
    out.x[k] = std::clamp(out.x[k], f.lo, f.hi);
  }
  opt.set_lower_bounds(lo);
  opt.set_upper_bounds(hi);
  opt.set_initial_step(step);
  opt.set_xtol_rel(xtol_rel);
  opt.set_xtol_abs(xtol_abs);
  opt.set_maxeval(static_cast<int>(std::min<long>(budget, std::numeric_limits<int>::max())));
  opt.set_min_objective(nlopt_objective, &problem);
  out.result = detail::run_nlopt(
                   opt, out.x, [&](const std::vector<double>& x) { return problem.objective(x.data()); }, "the fit")
                   .result;
  // NLopt leaves the best point in x; its objective is re-evaluated so f matches x exactly.
  out.f = problem.objective(out.x.data());
  return out;
}

// One Levenberg-Marquardt run from x0 within the box (Gauss-Newton curvature J^T W J of the loss,
// IRLS weights min(1, delta/|r|) for huber; Marquardt's diagonal scaling; Nielsen's damping update;
// coordinates at a bound whose gradient points outwards are held for the step). Stops when a step
// is below xtol_rel (relative, with an absolute floor of xtol_rel/100), the objective reaches 0,
// the damping grows past 1e30 (no descent left), or after `max_iterations`.
LocalResult lm_run(Problem& problem, std::vector<double> x0, double xtol_rel, int max_iterations) {
  const std::size_t n = problem.dimension(), m = problem.residual_count();
  const auto& free = problem.free();
  const Loss& loss = problem.loss();
  const auto& w = problem.weights();
  LocalResult out;
  out.x = std::move(x0);
  for (std::size_t j = 0; j < n; ++j) out.x[j] = std::clamp(out.x[j], free[j].lo, free[j].hi);
  std::vector<double> r, r_trial, jac;
  if (problem.remaining() <= 0) {
    out.f = problem.objective(out.x.data());
    out.result = nlopt::MAXEVAL_REACHED;
    return out;
  }
  if (!problem.residuals(out.x.data(), r)) {
    out.f = problem.penalty();
    out.result = nlopt::FAILURE;
    return out;
  }
  out.f = problem.loss_sum(r);
  problem.jacobian(out.x.data(), r, jac);
  double mu = -1.0, nu = 2.0;
  out.result = nlopt::MAXEVAL_REACHED;
  for (int it = 0; it < max_iterations; ++it) {
    if (problem.remaining() <= 0) {
      out.result = nlopt::MAXEVAL_REACHED;
      return out;
    }
    if (out.f <= 0.0) {
      out.result = nlopt::STOPVAL_REACHED;
      return out;
    }
    // Gradient g of the objective and curvature H (Gauss-Newton / IRLS).
    Eigen::VectorXd g = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
    for (std::size_t k = 0; k < m; ++k) {
      const double d1 = w[k] * loss_derivative(loss, r[k]);
      const double c = w[k] * (loss.kind == Loss::Kind::squared ? 2.0 : (std::abs(r[k]) <= loss.delta ? 1.0 : loss.delta / std::abs(r[k])));
      const Eigen::Map<const Eigen::VectorXd> row(&jac[k * n], static_cast<Eigen::Index>(n));
      g += d1 * row;
      h.noalias() += c * row * row.transpose();
    }
    // Hold coordinates at a bound whose descent direction leaves the box.
    std::vector<Eigen::Index> active;
    for (std::size_t j = 0; j < n; ++j) {
      const auto jj = static_cast<Eigen::Index>(j);
      const bool at_lo = out.x[j] <= free[j].lo && g(jj) > 0;
      const bool at_hi = out.x[j] >= free[j].hi && g(jj) < 0;
      if (!at_lo && !at_hi) active.push_back(jj);
    }
    if (active.empty()) {
      out.result = nlopt::XTOL_REACHED;
      return out;
    }
    const auto na = static_cast<Eigen::Index>(active.size());
    Eigen::MatrixXd ha(na, na);
    Eigen::VectorXd ga(na), diag(na);
    for (Eigen::Index i = 0; i < na; ++i) {
      ga(i) = g(active[i]);
      for (Eigen::Index j = 0; j < na; ++j) ha(i, j) = h(active[i], active[j]);
      diag(i) = std::max(ha(i, i), 1e-12 * std::max(1.0, h.diagonal().maxCoeff()));
    }
    if (mu < 0) mu = 1e-3 * diag.maxCoeff();
    bool accepted = false;
    while (!accepted) {
      Eigen::MatrixXd a = ha;
      a.diagonal() += mu * diag;
      const Eigen::VectorXd step = a.ldlt().solve(-ga);
      std::vector<double> x_trial = out.x;
      for (Eigen::Index i = 0; i < na; ++i) {
        const auto j = static_cast<std::size_t>(active[i]);
        x_trial[j] = std::clamp(out.x[j] + step(i), free[j].lo, free[j].hi);
      }
      bool small = true;
      for (std::size_t j = 0; j < n; ++j) {
        if (std::abs(x_trial[j] - out.x[j]) > xtol_rel * std::abs(out.x[j]) + 1e-2 * xtol_rel) small = false;
      }
      if (small || !step.allFinite()) {
        out.result = nlopt::XTOL_REACHED;
        return out;
      }
      const bool ok = problem.residuals(x_trial.data(), r_trial);
      const double f_trial = ok ? problem.loss_sum(r_trial) : problem.penalty();
      // Predicted decrease of the quadratic model along the (projected) step.
      Eigen::VectorXd taken(na);
      for (Eigen::Index i = 0; i < na; ++i)
        taken(i) = x_trial[static_cast<std::size_t>(active[i])] - out.x[static_cast<std::size_t>(active[i])];
      const double predicted = -(ga.dot(taken) + 0.5 * taken.dot(ha * taken));
      if (ok && f_trial < out.f) {
        const double rho = predicted > 0 ? (out.f - f_trial) / predicted : 0.0;
        out.x = std::move(x_trial);
        out.f = f_trial;
        r.swap(r_trial);
        problem.jacobian(out.x.data(), r, jac);
        mu *= std::max(1.0 / 3.0, 1.0 - std::pow(2.0 * rho - 1.0, 3));
        nu = 2.0;
        accepted = true;
      } else {
        mu *= nu;
        nu *= 2.0;
        if (mu > 1e30 || problem.remaining() <= 0) {
          out.result = mu > 1e30 ? nlopt::ROUNDOFF_LIMITED : nlopt::MAXEVAL_REACHED;
          return out;
        }
      }
    }
  }
  return out;
}

using detail::describe;

// Halton radical inverse of i in base `base`.
double radical_inverse(std::uint64_t i, std::uint64_t base) {
  double inv = 1.0 / static_cast<double>(base), f = inv, r = 0.0;
  while (i > 0) {
    r += f * static_cast<double>(i % base);
    i /= base;
    f *= inv;
  }
  return r;
}

std::vector<std::uint64_t> primes(std::size_t count) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t c = 2; out.size() < count; ++c) {
    bool prime = true;
    for (std::uint64_t p : out) {
      if (p * p > c) break;
      if (c % p == 0) {
        prime = false;
        break;
      }
    }
    if (prime) out.push_back(c);
  }
  return out;
}

FitSummary summarise(Problem& problem, const Model& model, const Observations& observations, const std::vector<double>& x, double f,
                     double f_start, std::size_t local_runs, const std::string& stopped) {
  FitSummary s;
  double wsum = 0.0, sq = 0.0, ab = 0.0;
  for (const auto& row : observations.rows) {
    if (!(row.weight > 0)) continue;
    const double r = predict_error(model, strategy_of(row, model), row.samples_seen) - row.error;
    wsum += row.weight;
    sq += row.weight * r * r;
    ab += row.weight * std::abs(r);
    s.max_abs = std::max(s.max_abs, std::abs(r));
  }
  s.rows = observations.rows.size();
  s.rmse = std::sqrt(sq / wsum);
  s.mae = ab / wsum;
  s.objective_start = f_start;
  s.objective = f;
  s.local_runs = local_runs;
  s.stopped = stopped;
  s.budget_exhausted = problem.remaining() <= 0;
  if (s.budget_exhausted) s.stopped += "; the evaluation budget (max_evaluations) ran out";
  for (std::size_t k = 0; k < problem.dimension(); ++k) {
    const Free& fr = problem.free()[k];
    s.free.push_back(fr.name);
    const double tol = 1e-6 * (fr.hi - fr.lo);
    // In natural units the lower transformed bound of b is its upper natural bound.
    const bool low = x[k] <= fr.lo + tol, high = x[k] >= fr.hi - tol;
    if (!low && !high) continue;
    const bool natural_upper = fr.kind == Kind::b ? low : high;
    s.at_bound.push_back(fmt::format("{} at {} bound {}", fr.name, natural_upper ? "upper" : "lower",
                                     natural_upper ? std::max(fr.natural_lo, fr.natural_hi) : std::min(fr.natural_lo, fr.natural_hi)));
  }
  s.evaluations = problem.evaluations();
  s.warnings = problem.warnings();
  return s;
}

// Identifiability at the optimum x (docs/fit.md "Identifiability"): J of the residuals scaled by
// sqrt(weight) (the Gauss-Newton curvature of the squared loss is 2 J^T W J), columns scaled to unit
// length so that the singular values compare parameters of different units. A zero column is a
// parameter without effect on any row; a singular value below kRankTolerance * s_max is a direction
// the rows do not determine (named by its right singular vector's large components); the
// correlations of the estimates come from the pseudo-inverse of Js^T Js = V S^2 V^T.
Identifiability identify(Problem& problem, const std::vector<double>& x, std::vector<std::string>& warnings) {
  Identifiability out;
  const std::size_t n = problem.dimension(), m = problem.residual_count();
  if (n == 0) return out;
  std::vector<double> r, jac;
  if (!problem.residuals(x.data(), r)) return out;
  problem.jacobian(x.data(), r, jac);
  const auto& w = problem.weights();
  const auto& free = problem.free();
  std::vector<std::size_t> cols;  // parameters with an effect
  std::vector<double> norm(n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    double sq = 0.0;
    for (std::size_t k = 0; k < m; ++k) sq += w[k] * jac[k * n + j] * jac[k * n + j];
    norm[j] = std::sqrt(sq);
    if (norm[j] > 0 && std::isfinite(norm[j])) {
      cols.push_back(j);
    } else {
      const std::string& name = free[j].name;
      const bool known =
          std::any_of(warnings.begin(), warnings.end(), [&](const std::string& s) { return s.rfind(name + " is not identified", 0) == 0; });
      out.undetermined.push_back(fmt::format("{} has no effect on any run", name));
      if (!known) warnings.push_back(fmt::format("{} is not identified: it has no effect on any run", name));
    }
  }
  if (cols.empty()) {
    out.condition_number = std::numeric_limits<double>::infinity();
    return out;
  }
  const auto nc = static_cast<Eigen::Index>(cols.size());
  Eigen::MatrixXd js(static_cast<Eigen::Index>(m), nc);
  for (std::size_t k = 0; k < m; ++k) {
    for (Eigen::Index c = 0; c < nc; ++c) {
      const std::size_t j = cols[static_cast<std::size_t>(c)];
      js(static_cast<Eigen::Index>(k), c) = std::sqrt(w[k]) * jac[k * n + j] / norm[j];
    }
  }
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(js, Eigen::ComputeFullV);
  const Eigen::VectorXd sv = svd.singularValues();
  const Eigen::MatrixXd& v = svd.matrixV();
  const double s_max = sv(0);
  spdlog::debug("fit: singular values of the scaled Jacobian: {}", fmt::join(sv.data(), sv.data() + sv.size(), " "));
  out.rank = 0;
  for (Eigen::Index i = 0; i < sv.size(); ++i) {
    if (sv(i) > kRankTolerance * s_max) ++out.rank;
  }
  out.condition_number = out.rank < cols.size() || !(sv(nc - 1) > 0) ? std::numeric_limits<double>::infinity() : s_max / sv(nc - 1);
  // Rank deficiency: each null direction, named by its components of at least 0.1 (of a unit vector).
  for (Eigen::Index i = static_cast<Eigen::Index>(out.rank); i < nc; ++i) {
    std::vector<std::string> names;
    for (Eigen::Index c = 0; c < nc; ++c) {
      if (std::abs(v(c, i)) >= 0.1) names.push_back(free[cols[static_cast<std::size_t>(c)]].name);
    }
    const std::string what = names.size() == 1 ? names[0] : fmt::format("{}", fmt::join(names, ", "));
    out.undetermined.push_back(
        names.size() == 1
            ? fmt::format("{} is not determined (singular value {:.2g} of the largest)", what, sv(i) / s_max)
            : fmt::format("{} are determined only in combination (singular value {:.2g} of the largest)", what, sv(i) / s_max));
    warnings.push_back(
        fmt::format("the runs do not determine {}{}: the Jacobian is rank deficient; add runs that separate them, or --shared / --fix",
                    names.size() == 1 ? "" : "the parameters ", names.size() == 1 ? what : what + " separately"));
  }
  // Correlations of the estimates within the determined subspace.
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(nc, nc);
  for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(out.rank); ++i) cov += v.col(i) * v.col(i).transpose() / (sv(i) * sv(i));
  for (Eigen::Index i = 0; i < nc; ++i) {
    for (Eigen::Index j = i + 1; j < nc; ++j) {
      const double denom = std::sqrt(cov(i, i) * cov(j, j));
      if (!(denom > 0)) continue;
      const double corr = cov(i, j) / denom;
      if (std::abs(corr) <= kCorrelationLimit) continue;
      const std::string& a = free[cols[static_cast<std::size_t>(i)]].name;
      const std::string& b = free[cols[static_cast<std::size_t>(j)]].name;
      out.undetermined.push_back(fmt::format("{} and {} correlate (r = {:.4f})", a, b, corr));
      warnings.push_back(fmt::format("{} and {} are determined only together: their estimates correlate with r = {:.4f} (|r| > {})", a, b,
                                     corr, kCorrelationLimit));
    }
  }
  return out;
}

// Pools with parameters of their own that only ever appear together in runs (every row with one has
// the other): the rows see their mix, never either alone, so its b and tau cannot be split between
// them whatever the Jacobian at one optimum says (the fit can land on any of many exact splits).
void check_together(const Problem& problem, const Model& model, const Observations& observations, Identifiability& id,
                    std::vector<std::string>& warnings) {
  std::vector<bool> own(model.pools.size(), false);
  for (const Free& f : problem.free()) {
    if ((f.kind == Kind::b || f.kind == Kind::tau) && f.pool) own[*f.pool] = true;
  }
  // Signature of a pool: the distinct sets of pools of the rows that use it.
  std::vector<std::set<std::vector<std::size_t>>> seen_in(model.pools.size());
  for (const auto& r : observations.rows) {
    if (!(r.weight > 0)) continue;
    for (std::size_t i : r.pools) seen_in[i].insert(r.pools);
  }
  std::vector<bool> done(model.pools.size(), false);
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    if (!own[i] || done[i] || seen_in[i].empty()) continue;
    std::vector<std::string> names{fmt::format("'{}'", model.pools[i].name)};
    for (std::size_t j = i + 1; j < model.pools.size(); ++j) {
      if (own[j] && seen_in[j] == seen_in[i]) {
        names.push_back(fmt::format("'{}'", model.pools[j].name));
        done[j] = true;
      }
    }
    if (names.size() < 2) continue;
    const std::string list = fmt::format("{}", fmt::join(names, ", "));
    id.undetermined.push_back(fmt::format("pools {} only appear together in runs: their b and tau are not determined separately", list));
    warnings.push_back(
        fmt::format("pools {} only appear together in runs: the runs determine their mix, not each pool's b and tau; add runs of "
                    "each alone, or hold or share their b and tau (--fix, --shared)",
                    list));
  }
}

// Fitted per-pool b's against the declared order (pools best first: b more negative = better).
void check_quality_order(const Problem& problem, const Model& fitted, std::vector<std::string>& warnings) {
  std::vector<std::size_t> pools;  // pools with their own fitted b
  for (const Free& f : problem.free()) {
    if (f.kind == Kind::b && f.pool) pools.push_back(*f.pool);
  }
  std::vector<std::string> inversions;
  for (std::size_t x = 0; x < pools.size(); ++x) {
    for (std::size_t y = x + 1; y < pools.size(); ++y) {
      const Pool& better = fitted.pools[pools[x]];
      const Pool& worse = fitted.pools[pools[y]];
      if (better.b > worse.b) {
        inversions.push_back(
            fmt::format("'{}' (b = {:.4g}) is listed before '{}' (b = {:.4g})", better.name, better.b, worse.name, worse.b));
      }
    }
  }
  if (inversions.empty()) return;
  constexpr std::size_t kShown = 5;
  std::string listed = fmt::format(
      "{}", fmt::join(inversions.begin(), inversions.begin() + static_cast<std::ptrdiff_t>(std::min(kShown, inversions.size())), "; "));
  if (inversions.size() > kShown) listed += fmt::format("; and {} more pairs", inversions.size() - kShown);
  warnings.push_back(
      fmt::format("the fitted b's contradict the declared quality order (pools best first, b more negative = better): {}", listed));
}

// Pools without runs keep their b and tau, but a and d are refitted: how much that moves their
// prediction (the pool alone, whole) at the largest budget the rows reach.
void check_unobserved(const Problem& problem, const Model& start, const Model& fitted, const Observations& observations,
                      std::vector<std::string>& warnings) {
  double n_max = 0.0;
  for (const auto& r : observations.rows) {
    if (r.weight > 0) n_max = std::max(n_max, r.samples_seen);
  }
  if (!(n_max > 0)) return;
  const bool comparable = std::isfinite(start.params.a) && std::isfinite(start.params.d);
  for (std::size_t i = 0; i < fitted.pools.size(); ++i) {
    if (problem.observed()[i]) continue;
    Strategy alone;
    alone.fractions.assign(fitted.pools.size(), 0.0);
    alone.fractions[i] = 1.0;
    const double after = predict_error(fitted, alone, n_max);
    if (!comparable) {
      warnings.push_back(
          fmt::format("pool '{}' has no runs: its predictions rest on a and d fitted to other pools ({:.4f} error alone at {:.4g} "
                      "samples, the largest budget fitted; the config gave no a and d to compare with)",
                      fitted.pools[i].name, after, n_max));
      continue;
    }
    Model before = fitted;
    before.params.a = start.params.a;
    before.params.d = start.params.d;
    const double was = predict_error(before, alone, n_max);
    warnings.push_back(
        fmt::format("pool '{}' has no runs: it keeps its b and tau, but the refitted a and d move its predicted error alone at "
                    "{:.4g} samples (the largest budget fitted) from {:.4f} to {:.4f} ({:+.4f})",
                    fitted.pools[i].name, n_max, was, after, after - was));
  }
}

void check_finite_start(const Model& start) {
  for (const auto& p : start.pools) {
    if (!(p.size_samples > 0)) throw InputError(fmt::format("pool '{}' needs a size > 0 to be fitted", p.name));
  }
  if (!(start.params.normalizer > 0) || !(start.params.tau_scaling >= 0)) {
    throw InputError("normalizer must be > 0 and tau_scaling >= 0 to fit");
  }
}

}  // namespace

std::size_t informative_rows(const Observations& observations) {
  return static_cast<std::size_t>(
      std::count_if(observations.rows.begin(), observations.rows.end(), [](const Observation& r) { return r.weight > 0; }));
}

std::vector<std::string> free_parameters(const Model& start, const Observations& observations, const FitOptions& options) {
  check_finite_start(start);
  const Problem problem(start, observations, options);
  std::vector<std::string> out;
  for (const Free& f : problem.free()) out.push_back(f.name);
  return out;
}

FitResult fit(const Model& start, const Observations& observations, const FitOptions& options) {
  check_finite_start(start);
  Problem problem(start, observations, options);
  const std::size_t n = problem.dimension();
  // Each observation determines at most one parameter: more free parameters than observations
  // leave a family of exact fits, so nothing the fit reports would mean anything.
  const std::size_t informative = informative_rows(observations);
  if (n > informative) {
    throw InputError(
        fmt::format("{}: {} free parameters but only {} observations (rows of positive weight): the fit is underdetermined; "
                    "reduce the parameters with --shared b,tau (one b and one tau for all pools) or --fix (hold a, d, b or tau)",
                    observations.source, n, informative));
  }
  std::vector<double> best = problem.initial();
  const double f_start = problem.objective(best.data());
  double f_best = f_start;
  std::size_t runs = 0;
  std::string stopped = "nothing to fit: every parameter is held";

  if (n > 0) {
    // (1) Scan: the initial guess and the shifted Halton points of the start box.
    struct ScanPoint {
      double f;
      std::size_t index;
      std::vector<double> x;
    };
    std::vector<ScanPoint> candidates{{f_start, 0, best}};
    const auto bases = primes(n);
    SplitMix64 rng(options.seed);
    std::vector<double> shift(n);
    for (auto& s : shift) s = rng.uniform();
    for (int i = 1; i <= options.scan_points && problem.remaining() > 0; ++i) {
      std::vector<double> x(n);
      for (std::size_t k = 0; k < n; ++k) {
        double u = radical_inverse(static_cast<std::uint64_t>(i), bases[k]) + shift[k];
        u -= std::floor(u);
        const Free& f = problem.free()[k];
        x[k] = f.scan_lo + u * (f.scan_hi - f.scan_lo);
      }
      const double f = problem.objective(x.data());
      candidates.push_back({f, static_cast<std::size_t>(i), std::move(x)});
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const ScanPoint& a, const ScanPoint& b) { return a.f < b.f; });

    // (2) Local runs from the best candidates until the best objective is reached twice.
    const double tol = options.confirmation_rel_tol * problem.scale();
    int confirmed = 0;
    f_best = std::numeric_limits<double>::infinity();
    for (const auto& c : candidates) {
      if (static_cast<int>(runs) >= options.max_local_runs || problem.remaining() <= 0) break;
      const std::size_t e0 = problem.evaluations();
      const LocalResult r = options.local == FitOptions::Local::bobyqa ? nlopt_run(problem, c.x, options.local_xtol_rel, 0.1)
                                                                       : lm_run(problem, c.x, options.local_xtol_rel, kLmIterations);
      spdlog::debug("fit: local run {} from objective {:.6g}: {:.6g} after {} evaluations ({})", runs, c.f, r.f, problem.evaluations() - e0,
                    describe(r.result));
      ++runs;
      if (r.f < f_best - tol) {
        confirmed = 1;
      } else if (r.f <= f_best + tol) {
        ++confirmed;
      }
      if (r.f < f_best) {
        f_best = r.f;
        best = r.x;
      }
      if (confirmed >= options.confirmations) break;
    }
    if (!std::isfinite(f_best) || f_best >= problem.penalty()) {
      throw NumericalError("the fit found no parameters with a finite prediction for every row; check the observations and bounds");
    }

    // (3) Polish: Levenberg-Marquardt to the tight tolerance (quadratic convergence near a
    // minimum), then NLopt BOBYQA from there with a small trust region, derivative-free, so the
    // result does not rest on the finite-difference Jacobian; repeated while it still improves.
    {
      const std::size_t e0 = problem.evaluations();
      const LocalResult r = lm_run(problem, best, options.polish_xtol_rel, kLmIterations);
      spdlog::debug("fit: Levenberg-Marquardt polish: {:.6g} after {} evaluations ({})", r.f, problem.evaluations() - e0,
                    describe(r.result));
      stopped = fmt::format("polish: {}", describe(r.result));
      if (r.f <= f_best) {
        f_best = r.f;
        best = r.x;
      }
    }
    for (int polish = 0; options.derivative_free_polish && polish < 3 && problem.remaining() > 0; ++polish) {
      const std::size_t e0 = problem.evaluations();
      const LocalResult r = nlopt_run(problem, best, options.polish_xtol_rel, 1e-6);
      spdlog::debug("fit: BOBYQA polish {}: {:.6g} after {} evaluations ({})", polish, r.f, problem.evaluations() - e0, describe(r.result));
      stopped = fmt::format("polish: {}", describe(r.result));
      const bool improved = r.f < f_best;
      if (r.f <= f_best) {
        f_best = r.f;
        best = r.x;
      }
      if (!improved) break;
    }
  }

  FitResult out;
  out.model = problem.model_at(best);
  validate(out.model);
  out.summary = summarise(problem, out.model, observations, best, f_best, f_start, runs, stopped);
  out.summary.informative_rows = informative;
  if (options.diagnostics) {
    std::vector<std::string>& w = out.summary.warnings;
    if (n > 0 && n == informative) {
      w.push_back(
          fmt::format("the fit interpolates: {} free parameters for {} observations, so the residuals are 0 whatever the truth and "
                      "intervals are not meaningful; add runs, or reduce the parameters with --shared or --fix",
                      n, informative));
    }
    out.summary.identifiability = identify(problem, best, w);
    check_together(problem, out.model, observations, out.summary.identifiability, w);
    check_quality_order(problem, out.model, w);
    check_unobserved(problem, start, out.model, observations, w);
  }
  return out;
}

FitResult random_search(const Model& start, const Observations& observations, const FitOptions& options, long tries) {
  check_finite_start(start);
  if (tries < 1) throw InputError(fmt::format("random search: tries must be >= 1, got {}", tries));
  FitOptions unlimited = options;
  unlimited.max_evaluations = std::max<long>(options.max_evaluations, tries + 1);
  Problem problem(start, observations, unlimited);
  const std::size_t n = problem.dimension();
  std::vector<double> best = problem.initial();
  const double f_start = problem.objective(best.data());
  double f_best = std::numeric_limits<double>::infinity();
  SplitMix64 rng(options.seed);
  std::vector<double> x(n);
  for (long t = 0; t < tries; ++t) {
    for (std::size_t k = 0; k < n; ++k) {
      const Free& f = problem.free()[k];
      x[k] = f.scan_lo + rng.uniform() * (f.scan_hi - f.scan_lo);
    }
    const double f = problem.objective(x.data());
    if (f < f_best) {
      f_best = f;
      best = x;
    }
  }
  FitResult out;
  out.model = problem.model_at(best);
  out.summary = summarise(problem, out.model, observations, best, f_best, f_start, 0, fmt::format("random search: {} tries", tries));
  return out;
}

}  // namespace qqt
