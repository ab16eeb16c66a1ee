// What `qqt fit` writes: the fitted config (a valid config for `plan`, with the `fit:` block of
// docs/config.md) and the human summary of the fit.
#pragma once

#include <string>

#include "qqt/bootstrap.hpp"
#include "qqt/config.hpp"
#include "qqt/fit.hpp"
#include "qqt/fit_record.hpp"
#include "qqt/observations.hpp"

namespace qqt {

/// The `fit:` block of a fit: its statistics, options, diagnostics and (if given) bootstrap record;
/// a bootstrap that says nothing adds its reason to the warnings.
FitRecord make_fit_record(const FitResult& result, const Observations& observations, const FitOptions& options,
                          const BootstrapResult* bootstrap = nullptr);

/// The fitted config as YAML: the base config's law settings, metric and pools (with shares) and the
/// fitted a, d, b and tau, then the `fit:` block. Numbers are exact (shortest round-trip), so
/// load_config_text() reads back exactly `result.model` and `record`.
std::string render_fitted_config(const Config& base, const FitResult& result, const FitRecord& record);

/// A few lines for people (stderr): rows, law, loss, objective before/after, RMSE/MAE/max,
/// evaluations and why it stopped, parameters at a bound, identifiability (condition number, what
/// is not determined), the warnings, and a parameter table (with intervals when the record has a
/// bootstrap).
std::string render_fit_summary(const FitResult& result, const FitRecord& record);

}  // namespace qqt
