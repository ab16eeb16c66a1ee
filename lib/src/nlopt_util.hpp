// Internal: the one way qqt runs NLopt (the mixture search and the fit), and the one text for each
// NLopt result. NLopt's C++ wrapper reports some endings as exceptions; run_nlopt turns them into
// results, so every caller handles failure the same way.
#pragma once

#include <nlopt.hpp>

#include <functional>
#include <vector>

namespace qqt::detail {

/// How one NLopt run ended.
struct NloptRun {
  nlopt::result result = nlopt::FAILURE;  ///< NLopt's result; ROUNDOFF_LIMITED and FAILURE also when NLopt threw them
  double value = 0.0;                     ///< objective at x (re-evaluated by `evaluate` when NLopt threw)
};

/// Runs `opt` from x (updated in place to NLopt's best point). Roundoff-limited and failed runs
/// keep NLopt's last point and get its objective from `evaluate`; NLopt rejecting the problem
/// (invalid arguments) or a forced stop (the objective threw) is an InternalError naming `what`
/// ("the mixture search", "the fit").
NloptRun run_nlopt(nlopt::opt& opt, std::vector<double>& x, const std::function<double(const std::vector<double>&)>& evaluate,
                   const char* what);

/// Why a run stopped, for people and output files ("parameter step below xtol").
const char* describe(nlopt::result result);

}  // namespace qqt::detail
