#include "nlopt_util.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "qqt/error.hpp"

namespace qqt::detail {

NloptRun run_nlopt(nlopt::opt& opt, std::vector<double>& x, const std::function<double(const std::vector<double>&)>& evaluate,
                   const char* what) {
  NloptRun out;
  try {
    out.result = opt.optimize(x, out.value);
    return out;
  } catch (const nlopt::roundoff_limited&) {
    out.result = nlopt::ROUNDOFF_LIMITED;
  } catch (const nlopt::forced_stop&) {
    throw InternalError(fmt::format("the objective of {} stopped NLopt", what));
  } catch (const std::invalid_argument& e) {
    throw InternalError(fmt::format("NLopt rejected the arguments of {}: {}", what, e.what()));
  } catch (const std::runtime_error&) {
    out.result = nlopt::FAILURE;
  }
  out.value = evaluate(x);
  return out;
}

const char* describe(nlopt::result result) {
  switch (result) {
    case nlopt::SUCCESS: return "converged";
    case nlopt::STOPVAL_REACHED: return "reached the stop value";
    case nlopt::FTOL_REACHED: return "objective change below ftol";
    case nlopt::XTOL_REACHED: return "parameter step below xtol";
    case nlopt::MAXEVAL_REACHED: return "evaluation budget exhausted";
    case nlopt::MAXTIME_REACHED: return "time limit reached";
    case nlopt::ROUNDOFF_LIMITED: return "roundoff-limited (the objective is flat to double precision)";
    case nlopt::FAILURE: return "NLopt failure";
    default: return "NLopt error";
  }
}

}  // namespace qqt::detail
