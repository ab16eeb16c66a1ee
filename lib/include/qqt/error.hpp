// Exceptions by blame (DEVELOPERS.md habit 4). The library throws; only apps/ prints and exits.
//
//   InputError      the user's input broke a documented rule (YAML, CSV, budget, flag)  -> exit 2
//   NumericalError  a valid input led to a numerical failure (non-finite result, no convergence) -> exit 1
//   EnvironmentError something outside the input is missing (gnuplot) or failed     -> exit 1
//   InternalError   a broken invariant: a bug in qqt                                  -> exit 1
//
// Messages are one line and say where (file:line:col or the option/key) and which rule was broken.
// Each constructor passes the message through printable() (qqt/untrusted.hpp), so names with line
// breaks, NUL, ANSI escapes or invalid UTF-8 never reach a terminal raw or split a message.
#pragma once

#include <stdexcept>
#include <string>

#include "qqt/untrusted.hpp"

namespace qqt {

/// Bad input: the message names the file/line/column or option/key and the rule broken.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(printable(message)) {}
};

/// A valid input whose evaluation failed numerically (overflow to inf, NaN, an optimiser failure).
class NumericalError : public std::runtime_error {
 public:
  explicit NumericalError(const std::string& message) : std::runtime_error(printable(message)) {}
};

/// The environment lacks something qqt needs at run time (an external program such as gnuplot)
/// or an operating-system call failed for reasons outside the input.
class EnvironmentError : public std::runtime_error {
 public:
  explicit EnvironmentError(const std::string& message) : std::runtime_error(printable(message)) {}
};

/// A broken invariant inside qqt: always a bug to report.
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& message) : std::logic_error(printable(message)) {}
};

/// Process exit codes (README "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,     ///< internal or numerical failure
  kExitBadInput = 2,    ///< bad input or usage
  kExitRegression = 3,  ///< a regression/quality check failed (plan --expect)
};

}  // namespace qqt
