// What every command handler gets besides its own arguments: the global flags and the streams.
// Handlers write results through Context::write_out and log through spdlog, which run_cli points
// at the error stream.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "cli.hpp"

namespace qqt::cli {

/// The flags accepted before or after the command name.
struct Globals {
  int verbosity = 0;   ///< -v info, -vv debug on stderr
  bool quiet = false;  ///< -q: only errors on stderr
};

class Context {
 public:
  explicit Context(const Streams& streams) : streams_(streams) {}

  /// The global flags (filled in while the arguments are parsed).
  Globals& globals() { return globals_; }
  const Globals& globals() const { return globals_; }
  const Streams& streams() const { return streams_; }

  /// Writes `text` to the output stream and flushes it.
  void write_out(std::string_view text) const;

  /// Writes `text` to the error stream. Never throws: when stderr itself cannot be written there
  /// is nowhere left to report to, and the exit code still tells.
  void write_err(std::string_view text) const noexcept;

  /// True when the output stream is a terminal and NO_COLOR is unset or empty (tables get colour).
  bool color_out() const;
  /// True when the error stream is a terminal and -q is not given (progress bars are drawn).
  bool progress_err() const;

  std::FILE* err() const { return streams_.err; }

 private:
  Streams streams_;
  Globals globals_;
};

/// A progress bar on the error stream, drawn only when it is a terminal and only once the work has
/// taken more than a second (short runs stay quiet; QQT_PROGRESS_DELAY sets those seconds, e.g. 0
/// in tests).
class ProgressBar {
 public:
  ProgressBar(const char* label, const Context& ctx);
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  /// Clears the bar's line (before the results are printed).
  void finish();
  void update(long long done, long long total);

 private:
  const char* label_;
  const Context& ctx_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  double delay_s_ = 1.0;
  bool drawn_ = false;
};

}  // namespace qqt::cli
