// The law's kind and shared parameters (YAML keys law, irreducible, a, d, normalizer, tau_scaling):
// plain types, apart from the law itself (law.hpp) so that the law's internal kernel
// (lib/src/law_kernel.hpp) can take them without depending on Mixture, which it serves.
#pragma once

namespace qqt {

/// Which law predicts the error (YAML key `law`).
enum class LawKind {
  utility,         ///< the paper's law: utility decays with repetition (spec §2). Default.
  effective_data,  ///< effective-data form of App. F.3 (spec §3)
  power,           ///< y = (a n / N0)^b + d, no repetition effect (spec §4)
};

/// Where the irreducible error d enters the utility law (YAML key `irreducible`).
enum class Irreducible {
  outside,  ///< y = R(n) + d (paper Eq. 3). Default.
  inside,   ///< y = R(n) + d R(n) / R(n_d), n_d = min(n, U) (the released reference code for uniform mixes)
};

const char* to_string(LawKind law);
const char* to_string(Irreducible irreducible);

/// Parameters shared by all pools.
struct LawParams {
  LawKind law = LawKind::utility;
  Irreducible irreducible = Irreducible::outside;  ///< used by the utility law only
  double a = 0.0;                                  ///< sample-count scale; > 0
  double d = 0.0;                                  ///< irreducible error; in [0, 1e294] (larger would overflow derived numbers)
  double normalizer = 1e5;                         ///< N0 in samples; > 0 (the reference's fitted a assume 1e5)
  double tau_scaling = 1.0;  ///< kappa: tau_hat_i = tau_i (U~ / S_i)^kappa, U~ the effective mix size; >= 0 (0 turns it off)
};

}  // namespace qqt
