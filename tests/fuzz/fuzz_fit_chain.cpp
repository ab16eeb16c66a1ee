// libFuzzer harness: observations -> fit -> validate, the chain `qqt fit` and `qqt validate` run.
// Any CSV either is refused (InputError), or fits to a model that passes validate() and predicts
// every row with finite numbers; a fit may also end in NumericalError (no finite objective).
// The fit runs with a small evaluation budget so that one input takes milliseconds.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/fit.hpp"
#include "qqt/observations.hpp"
#include "qqt/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const qqt::Config config = qqt::default_config();
  if (size > 2048) return 0;  // a few dozen rows reach every branch; more only slows the fit
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const qqt::Observations obs = qqt::parse_observations(text, "fuzz.csv", config.model);
    qqt::FitOptions options;
    options.scan_points = 4;
    options.max_local_runs = 1;
    options.confirmations = 1;
    options.max_evaluations = 400;
    const qqt::FitResult fitted = qqt::fit(config.model, obs, options);
    qqt::validate(fitted.model);  // a fitted model must be a valid config
    if (!std::isfinite(fitted.summary.objective) || !std::isfinite(fitted.summary.rmse)) std::abort();
    const qqt::ValidationReport report = qqt::check_predictions(fitted.model, obs);
    if (report.rows.size() != obs.rows.size()) std::abort();
    if (!std::isfinite(report.mae) || !std::isfinite(report.rmse) || !std::isfinite(report.max_abs)) std::abort();
  } catch (const qqt::InputError&) {
  } catch (const qqt::NumericalError&) {}
  return 0;
}
