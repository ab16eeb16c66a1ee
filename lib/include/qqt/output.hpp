// Rendering results as aligned tables, JSON (docs/output.md, "schema": 1) and CSV, and writing
// files atomically. Numbers in JSON and CSV are the shortest text that round-trips exactly
// (fmt's "{}"), so output is byte-identical for the same input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qqt/config.hpp"
#include "qqt/plan.hpp"

namespace qqt {

enum class Format { table, json, csv, markdown };

/// "table" | "json" | "csv" | "markdown" (or "md"); throws InputError naming `what` otherwise.
/// Markdown is the table report as Markdown (plan only; other commands reject it).
Format parse_format(std::string_view text, std::string_view what);

struct RenderOptions {
  bool color = false;  ///< ANSI colour in tables (the app enables it only on a TTY without NO_COLOR)
};

/// One strategy's predicted error at one budget (`qqt predict`).
struct Prediction {
  double budget_samples = 0.0;
  double error = 0.0;
  double accuracy = 0.0;        ///< 1 - error
  double passes = 0.0;          ///< budget / unique samples
  double unique_samples = 0.0;
};

/// Evaluates one strategy at each budget (budgets validated as in PlanOptions).
std::vector<Prediction> predict(const Model& model, const Strategy& strategy, const std::vector<double>& budgets_samples);

/// What other modules add to a rendered plan (e.g. the bootstrap frequencies of a fitted config).
struct PlanExtras {
  /// One entry per budget (plan order) or empty: JSON members appended to that budget's object,
  /// e.g. "\"bootstrap\":{...}". Empty strings add nothing.
  std::vector<std::string> budget_json;
  /// Appended to the table output (and to Markdown, rendered as Markdown by the caller). CSV
  /// output carries neither.
  std::string table;
};

std::string render_plan(const Config& config, const PlanResult& plan, Format format, const RenderOptions& options = {},
                        const PlanExtras& extras = {});
/// The plan CSV in pieces, so that long sweeps stream (search_plan_chunks): the header line once,
/// then the rows of each consecutive piece of the budgets. render_plan(..., Format::csv) is the two joined.
std::string plan_csv_header();
std::string plan_csv_rows(const PlanResult& plan);
std::string render_predictions(const Config& config, const Mixture& mixture, const std::vector<Prediction>& predictions,
                               Format format, const RenderOptions& options = {});

/// The shortest decimal text that parses back to exactly `x` (fmt "{}"). Throws InternalError
/// for NaN or inf, which must never reach the output.
std::string exact_number(double x);

/// JSON string literal with quotes and escapes.
std::string json_string(std::string_view s);

/// A CSV field, quoted per RFC 4180 when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

/// Installs SIGINT, SIGTERM and SIGHUP handlers that delete a temporary file that
/// write_file_atomically is writing at that moment, then end the process with the same signal.
/// So an interrupted run leaves the old file or the complete new one, and no debris. Idempotent.
void install_signal_cleanup();

namespace detail {
/// The permission bits a new output at `path` gets: those of the file it replaces, else 0666
/// less the umask (mkstemp's 0600 is not what users expect of an output file).
unsigned output_mode(const std::string& path);
/// Marks `path` (or nothing, for an empty path) as the temporary file to delete on a signal.
void set_cleanup_path(const std::string& path);
}  // namespace detail

/// The whole text of an input file ("-" reads standard input) and its name for messages
/// ("<stdin>" or the path). `kind` names the file in errors ("config file"), `a_kind` with its
/// article for "PATH: is a directory, not A_KIND"; a missing or unreadable file is an InputError
/// "PATH: cannot open the KIND: reason".
struct InputText {
  std::string text;
  std::string source;
};
InputText read_input(const std::string& path, std::string_view kind, std::string_view a_kind);

namespace detail {
/// A temporary file beside `path` that becomes `path` on commit() and is deleted otherwise (on
/// destruction, on an exception, or by the signal handler of install_signal_cleanup()). The way
/// every output of qqt reaches its path. Throws InputError naming `path`.
class PendingFile {
 public:
  explicit PendingFile(const std::string& path);
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  /// Where to write; open as fd() until close().
  const std::string& temp_path() const { return temp_; }
  int fd() const { return fd_; }
  /// Writes all of `content` to fd().
  void write(std::string_view content);
  /// Flushes to disk and closes fd() (idempotent).
  void close();
  /// Closes, gives the file the mode of the file it replaces (or 0666 less the umask) and renames it
  /// to the target path.
  void commit();

 private:
  [[noreturn]] void fail(const char* what, int err);
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool done_ = false;
};
}  // namespace detail

/// Checks before any work that `path` can be written the way write_file_atomically will (not a
/// directory; its folder exists and accepts a new file). Throws InputError naming the path.
void check_writable(const std::string& path);

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so the
/// path holds either its old content or all of the new. Throws InputError if it cannot.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace qqt
