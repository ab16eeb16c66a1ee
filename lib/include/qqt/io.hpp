// Files: reading inputs ("-" is standard input), checking and writing outputs atomically, and
// deleting a half-written temporary file on a signal. The lowest layer above error.hpp: loaders
// and renderers include it; it includes no other qqt module.
#pragma once

#include <string>
#include <string_view>

namespace qqt {

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
