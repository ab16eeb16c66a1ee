// The QQT scaling law (Goyal et al., CVPR 2024, arXiv 2404.07177), exactly as the project's spec
// (docs/law.md) specifies it: the utility law (paper Eq. 1-3, Theorem 1, App. G), the effective-data law
// (App. F.3) and the compute-agnostic power law. docs/law.md explains the math.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qqt/law_params.hpp"
#include "qqt/metric.hpp"

namespace qqt {

/// One quality bucket of the raw pool, as fitted.
struct Pool {
  std::string name;             ///< unique, non-empty label
  double size_samples = 0.0;    ///< S_i: unique samples in the bucket, the size b and tau were fitted at; >= 1
  double b = 0.0;               ///< utility exponent; < 0 (more negative = more useful data)
  double tau_passes = 0.0;      ///< tau_i: utility half-life in passes over this pool alone; > 0
  std::optional<double> share;  ///< fraction of the raw pool this bucket is, in (0, 1]; labels only
};

/// A fitted pool configuration: everything the law needs, plus what the law's y is.
struct Model {
  LawParams params;
  std::vector<Pool> pools;  ///< best quality first
  Metric metric;            ///< the predicted quantity: name (e.g. "ImageNet zero-shot error") and kind
};

/// How the n training samples are drawn from the pools (spec §1). Both vectors are in pool order.
struct Strategy {
  std::vector<double> fractions;  ///< f_i in [0, 1]: kept fraction of pool i; 0 leaves it out; a used pool keeps f_i S_i >= 1
  std::vector<double> weights;    ///< w_i >= 0 summing to 1; empty = uniform over kept data (w_i = u_i / U)
};

/// Throws InputError unless `model` satisfies every rule of spec §1 (names the field and value).
void validate(const Model& model);

/// A strategy prepared for repeated evaluation at many budgets (tables of the repetition sums
/// are built once and reused). Construction validates the strategy against the model and throws
/// InputError naming the rule broken. Evaluation is const but fills caches: one Mixture must not
/// be used from two threads at once (make one per thread; they are cheap).
class Mixture {
 public:
  Mixture(const Model& model, const Strategy& strategy);
  ~Mixture();
  Mixture(Mixture&&) noexcept;
  Mixture& operator=(Mixture&&) noexcept;
  Mixture(const Mixture&) = delete;
  Mixture& operator=(const Mixture&) = delete;

  /// Predicted error y(n) after n_samples >= 1 samples seen. Throws InputError for n < 1 or NaN,
  /// NumericalError if the result is above 1e300 or not finite. Never increases with n.
  double error(double n_samples) const;

  /// U: unique samples in the mix (sum of f_i S_i over used pools).
  double unique_samples() const { return unique_samples_; }

  /// U~ = 1 / sum_i (w_i^2 / u_i): the effective size of the mix that tau_hat scales with (spec §2);
  /// equals U (up to rounding) when the weights are uniform over kept data.
  double effective_samples() const { return effective_samples_; }

  /// Passes over the kept data after n samples: n / U.
  double passes(double n_samples) const { return n_samples / unique_samples_; }

  /// Fractions in pool order, as given (0 for unused pools).
  const std::vector<double>& fractions() const { return fractions_; }
  /// Resolved sampling weights in pool order (uniform over kept data when none were given).
  const std::vector<double>& weights() const { return weights_; }

  /// Work done so far by error() under the effective-data law: pass segments walked, over all calls
  /// (0 for the other laws, whose evaluation is bounded without a walk). Lets searches bound their time.
  double walked_segments() const { return walked_segments_; }

  /// Most pass segments one error() call may walk under the effective-data law, beyond which it
  /// throws NumericalError. Default and largest value 2e7 (spec §5: an evaluation never takes more
  /// than about a second); a search passes what is left of its own work bound. Range >= 0; values
  /// above 2e7 mean 2e7.
  void limit_walk(double max_segments);

 private:
  struct Term;
  double utility_error(double n) const;
  double effective_data_error(double n) const;
  double power_error(double n) const;

  // The effective-data law walks segments; its walk is checkpointed so that many budgets (a sweep,
  // a crossover search) resume from the nearest earlier state instead of starting over. A state is
  // taken at a breakpoint, so resuming gives bit-identical results to a walk from the start.
  struct WalkState {
    double m = 0.0;              // position: a breakpoint, in mix samples
    double log_y = 0.0;          // log of the reducible error up to m
    double e = 0.0;              // effective data E up to m
    double walked = 0.0;         // work done so far (bounded)
    std::vector<double> passes;  // passes done per term
    std::vector<char> retired;   // terms whose remaining passes are negligible
  };
  mutable std::vector<WalkState> checkpoints_;  // ascending in m
  mutable double flat_from_ = 0.0;              // > 0: the curve is flat from here on, at flat_log_y_
  mutable double flat_log_y_ = 0.0;
  mutable double walked_segments_ = 0.0;  // total over all calls
  double walk_limit_;                     // most segments per error() call (limit_walk)

  LawParams params_;
  std::vector<double> fractions_;
  std::vector<double> weights_;
  double unique_samples_ = 0.0;
  double effective_samples_ = 0.0;
  std::vector<std::unique_ptr<Term>> terms_;  // one per used pool
};

/// One-shot convenience: Mixture(model, strategy).error(n_samples).
double predict_error(const Model& model, const Strategy& strategy, double n_samples);

}  // namespace qqt
