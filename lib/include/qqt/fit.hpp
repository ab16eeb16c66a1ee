// Fitting the law's parameters to evaluation results (docs/fit.md): shared a and d, per-pool (or
// shared) b and tau, by a deterministic multistart in transformed coordinates within documented
// bounds: a low-discrepancy scan (global phase), Levenberg-Marquardt local runs from the best scan
// points, and a tight polish (Levenberg-Marquardt, then NLopt LN_BOBYQA).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qqt/fit_record.hpp"
#include "qqt/law.hpp"
#include "qqt/observations.hpp"

namespace qqt {

/// The box every fitted parameter stays in (natural units). The optimiser works in ln a, d,
/// ln(-b) and ln tau, so the ranges of a, b and tau are ratios, not lengths.
struct FitBounds {
  double a_min = 1e-12;  ///< lower bound of a; > 0
  double a_max = 1e12;   ///< upper bound of a; > a_min
  double d_min = 0.0;    ///< lower bound of d; >= 0
  /// Upper bound of d; > d_min. Default +inf: the metric kind's bound alone (metric.hpp d_range:
  /// 1 for an error rate, just below the smallest observation for a loss); a finite value cuts it.
  double d_max = std::numeric_limits<double>::infinity();
  double b_min = -5.0;    ///< most negative b; < b_max
  double b_max = -1e-6;   ///< least negative b; < 0
  double tau_min = 1e-2;  ///< lower bound of tau in passes; > 0
  double tau_max = 1e4;   ///< upper bound of tau in passes; > tau_min (spec §5 bounds tau_hat <= 1e6)
};

/// Options of fit() (validated by validate(FitOptions)).
struct FitOptions {
  /// Law to fit. Default (nullopt): the config's law. The power law ignores tau: it is not fitted
  /// and is written as the config gave it (1 where absent).
  std::optional<LawKind> law;
  /// Loss of each residual; the objective is sum over rows of weight * loss. Default squared.
  Loss loss;
  /// Held parameters: name ("a", "d", "b", "tau") and value; a NaN value holds the config's own
  /// value (which must be given). "b" or "tau" with a value sets every pool to it (with shared tau:
  /// pool 1, the others scaled as below). Default none; each name at most once.
  std::vector<std::pair<std::string, double>> fixed;
  /// One b for all pools. Default false.
  bool shared_b = false;
  /// One tau for all pools, scaled by size as in App. G: tau_i = tau (S_i / S_1)^kappa, kappa the
  /// config's tau_scaling (pools of one source at different sizes). Default false.
  bool shared_tau = false;
  /// Seed of the scan's random shift (a Cranley-Patterson rotation of the Halton points).
  /// Any value; default 1. The same seed gives the same fit, bit for bit.
  std::uint64_t seed = 1;
  /// Global phase: points of the low-discrepancy scan of the start box. Range 0..1,000,000
  /// (0: start from the initial guess only). Default 64.
  int scan_points = 64;
  /// Largest number of local runs (from the best scan points, best first). Range 1..1000. Default 12.
  int max_local_runs = 12;
  /// The multistart stops once this many local runs ended at the best objective found
  /// (to confirmation_rel_tol). Range 1..max_local_runs. Default 2.
  int confirmations = 2;
  /// Two local runs reach "the same" objective when they differ by at most this times the
  /// objective's scale (sum of weight * loss(observed error)). Range [0, 1e-2]. Default 1e-9.
  double confirmation_rel_tol = 1e-9;
  /// The local method of the multistart. levenberg_marquardt (default): Gauss-Newton curvature with
  /// a finite-difference Jacobian, the fast choice for this least-squares problem. bobyqa: NLopt's
  /// derivative-free LN_BOBYQA (slower, kept for comparison). The polish always runs both.
  enum class Local { levenberg_marquardt, bobyqa };
  Local local = Local::levenberg_marquardt;
  /// Relative step (in transformed coordinates) that ends a local run. Range [1e-15, 1e-2]. Default 1e-6.
  double local_xtol_rel = 1e-6;
  /// Relative step that ends the final polish. Range [1e-15, 1e-2]. Default 1e-12.
  double polish_xtol_rel = 1e-12;
  /// Objective evaluations allowed in all phases together. Range 100..100,000,000. Default 200,000.
  long max_evaluations = 200'000;
  /// Parameter box; see FitBounds.
  FitBounds bounds;
  /// After the Levenberg-Marquardt polish, polish further with NLopt BOBYQA (derivative-free, up to
  /// three rounds while it improves), so the result does not rest on the finite-difference
  /// Jacobian. Default true; bootstrap refits turn it off (docs/fit.md "Uncertainty").
  bool derivative_free_polish = true;
  /// Diagnose the result (docs/fit.md "What the data cannot tell"): identifiability from the
  /// Jacobian at the optimum (n more evaluations), fitted b's against the declared quality order,
  /// and how the refit a and d move the predictions of pools without runs. Refits (bootstrap,
  /// cross-validation) turn it off. Default true.
  bool diagnostics = true;
};

/// Throws InputError naming the field, its value and the rule.
void validate(const FitOptions& options);

/// "utility", "effective-data" or "power" (the config's spelling). Throws InputError naming `what`.
LawKind parse_law(std::string_view text, std::string_view what);

/// Parses --fix: "a=0.025,d=0.1", or bare names ("d") to hold the config's value.
std::vector<std::pair<std::string, double>> parse_fixed(std::string_view text, std::string_view what);
/// Parses --shared: a comma-separated subset of "b", "tau". Sets the two flags of `options`.
void parse_shared(std::string_view text, std::string_view what, FitOptions& options);

/// Identifiability of the fitted parameters (docs/fit.md "Identifiability"), from the Jacobian J of
/// the weighted residuals at the optimum in the fit's coordinates (ln a, d, ln(-b), ln tau), each
/// column scaled to unit length.
struct Identifiability {
  /// s_max / s_min over the singular values of the scaled J (parameters without effect left out);
  /// +inf when J is rank deficient; 0 when nothing was fitted or diagnostics were off.
  double condition_number = 0.0;
  std::size_t rank = 0;                   ///< numerical rank: singular values above kRankTolerance * s_max
  std::vector<std::string> undetermined;  ///< the parameters or combinations the data do not determine, for people
};

/// A singular value below this times the largest is zero (the forward-difference Jacobian is
/// accurate to about 1e-8 relative).
inline constexpr double kRankTolerance = 1e-6;
/// Two parameters whose estimates correlate beyond this (in absolute value) are named together.
inline constexpr double kCorrelationLimit = 0.99;

/// What the fit did and how good it is. Never just a number.
struct FitSummary {
  std::size_t rows = 0;               ///< observations fitted
  std::size_t informative_rows = 0;   ///< rows of positive weight (the observations that count)
  std::vector<std::string> free;      ///< names of the fitted parameters ("a", "b[pool]", "tau", ...)
  double objective_start = 0.0;       ///< objective at the initial guess (config values where given)
  double objective = 0.0;             ///< objective at the result
  double rmse = 0.0;                  ///< sqrt(sum w r^2 / sum w)
  double mae = 0.0;                   ///< sum w |r| / sum w
  double max_abs = 0.0;               ///< max |r| over rows of positive weight
  std::size_t evaluations = 0;        ///< objective evaluations, every phase
  std::size_t local_runs = 0;         ///< local runs of the multistart
  std::string stopped;                ///< why the polish stopped (and whether the budget ran out)
  bool budget_exhausted = false;      ///< max_evaluations was reached
  std::vector<std::string> at_bound;  ///< "NAME at lower|upper bound VALUE"
  std::vector<std::string> warnings;  ///< what the data cannot tell: pools without runs, tau without repeated runs,
                                      ///< an interpolating fit, undetermined parameters, b's against the quality order
  Identifiability identifiability;    ///< see Identifiability (diagnostics only)
};

struct FitResult {
  Model model;  ///< the start model with every parameter filled in
  FitSummary summary;
};

/// Fits `start`'s parameters (NaN = unknown; given values are starting points) to `observations`.
/// A pool without runs keeps its own b and tau (which must then be given). Throws InputError for a
/// bad option, a held parameter without a value, or more free parameters than rows of positive
/// weight (naming both counts and --shared / --fix); NumericalError when no finite objective is found.
FitResult fit(const Model& start, const Observations& observations, const FitOptions& options);

/// The names of the parameters fit() would fit ("a", "b[pool]", ...) for these rows and options.
/// Throws as fit() does for bad options or missing held values.
std::vector<std::string> free_parameters(const Model& start, const Observations& observations, const FitOptions& options);

/// Rows of positive weight: the observations that count against the free parameters.
std::size_t informative_rows(const Observations& observations);

/// sum over rows of weight * loss(predicted - observed); +inf if a prediction is not finite.
double fit_objective(const Model& model, const Observations& observations, const Loss& loss);

/// The reference's baseline: `tries` points drawn uniformly (seeded) in the scan box of the free
/// parameters (transformed coordinates, the box fit() scans), keeping the best. For comparisons
/// (scripts/bench.sh, docs/fit.md); fit() is better and faster.
FitResult random_search(const Model& start, const Observations& observations, const FitOptions& options, long tries);

/// The parameter set of a complete model.
ParameterSet parameters_of(const Model& model);
/// `model` with the parameters of `set` (sizes must match the pools).
Model with_parameters(Model model, const ParameterSet& set);

}  // namespace qqt
