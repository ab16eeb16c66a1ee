#include "qqt/io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "qqt/error.hpp"
#include "qqt/limits.hpp"

namespace qqt {

namespace {
// The temporary file being written, for the signal handler: a fixed buffer, set and cleared
// outside the handler, read inside it (only async-signal-safe calls there: unlink, signal, raise).
char g_cleanup_path[4096] = {0};
volatile std::sig_atomic_t g_cleanup_armed = 0;

extern "C" void cleanup_and_reraise(int sig) {
  if (g_cleanup_armed) ::unlink(g_cleanup_path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}
}  // namespace

unsigned detail::output_mode(const std::string& path) {
  // Keep the mode of a file being replaced; a new file gets 0666 less the umask, as open() would.
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) return existing.st_mode & 07777;
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

void detail::set_cleanup_path(const std::string& path) {
  g_cleanup_armed = 0;
  if (path.empty() || path.size() >= sizeof g_cleanup_path) return;
  std::memcpy(g_cleanup_path, path.c_str(), path.size() + 1);
  g_cleanup_armed = 1;
}

void install_signal_cleanup() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction action {};
    action.sa_handler = cleanup_and_reraise;
    sigemptyset(&action.sa_mask);
    ::sigaction(sig, &action, nullptr);
  }
}

namespace {

[[noreturn]] void too_large(const std::string& source, std::string_view kind) {
  throw InputError(fmt::format("{}: the {} is larger than qqt's input limit of {} MiB (docs/reliability.md \"Limits\")", source, kind,
                               limits::kMaxInputBytes >> 20));
}

// Reads `fd` to its end, refusing more than limits::kMaxInputBytes.
std::string read_bounded(int fd, const std::string& source, std::string_view kind) {
  std::string text;
  char chunk[65536];
  while (true) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(fmt::format("{}: cannot read the {}: {}", source, kind, std::strerror(errno)));
    }
    if (n == 0) return text;
    if (text.size() + static_cast<std::size_t>(n) > limits::kMaxInputBytes) too_large(source, kind);
    text.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace

InputText read_input(const std::string& path, std::string_view kind, std::string_view a_kind) {
  if (path == "-") {  // through std::cin's buffer, so a caller may point std::cin at another stream
    std::string text;
    char chunk[65536];
    std::streambuf* in = std::cin.rdbuf();
    while (in) {
      const std::streamsize n = in->sgetn(chunk, sizeof chunk);
      if (n <= 0) break;
      if (text.size() + static_cast<std::size_t>(n) > limits::kMaxInputBytes) too_large("<stdin>", kind);
      text.append(chunk, static_cast<std::size_t>(n));
    }
    return {text, "<stdin>"};
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(fmt::format("{}: is a directory, not {}", path, a_kind));
  // O_NONBLOCK so that opening a FIFO nobody writes to does not wait forever; reads then block
  // again, and a FIFO without a writer reads as empty (docs/reliability.md "Inputs").
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw InputError(fmt::format("{}: cannot open the {}: {}", path, kind, std::strerror(errno)));
  struct stat st {};
  const bool fifo = ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string text;
  try {
    text = read_bounded(fd, path, kind);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (fifo && text.empty()) {
    throw InputError(
        fmt::format("{}: nothing was written to the FIFO (a FIFO given as the {} needs its writer running first)", path, kind));
  }
  return {text, path};
}

namespace {

// Where and how an output path is written (docs/reliability.md "Outputs").
struct OutputTarget {
  std::string path;      // the path written: the real path behind symlinks
  bool through = false;  // a character device or FIFO: written in place, no temporary file
};

OutputTarget resolve_output(const std::string& path) {
  namespace fs = std::filesystem;
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {  // 40 = Linux's MAXSYMLINKS
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0) return {current, false};  // a new file (open reports other errors)
    if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      const fs::path link = fs::read_symlink(current, ec);
      if (ec) throw InputError(fmt::format("{}: cannot read the symlink: {}", path, ec.message()));
      current = link.is_absolute() ? link.string() : (fs::path(current).parent_path() / link).string();
      continue;
    }
    if (S_ISDIR(st.st_mode)) throw InputError(fmt::format("{}: is a directory; --output needs a file path", path));
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {current, true};
    if (!S_ISREG(st.st_mode)) {
      throw InputError(fmt::format("{}: is a {}; --output needs a regular file, a character device or a FIFO", path,
                                   S_ISBLK(st.st_mode) ? "block device" : "socket"));
    }
    return {current, false};
  }
  throw InputError(fmt::format("{}: too many levels of symbolic links", path));
}

// Temporary files are named ".NAME.qqt-tmp-PID-XXXXXX" beside NAME, so that a run can find the
// debris of an earlier run on the same output that was killed with SIGKILL (no handler runs then)
// and delete the files whose process is gone.
std::string temp_prefix(const std::filesystem::path& target) { return "." + target.filename().string() + ".qqt-tmp-"; }

void remove_stale_temps(const std::filesystem::path& dir, const std::string& prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return;
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    long pid = 0;
    const auto [ptr, err] = std::from_chars(first, last, pid);
    if (err != std::errc() || ptr == first || ptr == last || *ptr != '-' || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) ::unlink(it->path().c_str());
  }
}

std::filesystem::path folder_of(const std::filesystem::path& target) {
  return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

}  // namespace

void check_writable(const std::string& path) {
  namespace fs = std::filesystem;
  const OutputTarget target = resolve_output(path);
  if (target.through) {
    if (::access(target.path.c_str(), W_OK) != 0) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    return;
  }
  const fs::path file(target.path);
  std::string probe = (folder_of(file) / (temp_prefix(file) + std::to_string(::getpid()) + "-XXXXXX")).string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  ::close(fd);
  ::unlink(probe.c_str());
}

detail::PendingFile::PendingFile(const std::string& path) : path_(path) {
  namespace fs = std::filesystem;
  const OutputTarget target = resolve_output(path);
  target_ = target.path;
  through_ = target.through;
  if (through_) {  // written in place, opened at the first write (a FIFO's open waits for a reader)
    temp_ = target_;
    return;
  }
  const fs::path file(target_);
  const std::string prefix = temp_prefix(file);
  remove_stale_temps(folder_of(file), prefix);
  temp_ = (folder_of(file) / (prefix + std::to_string(::getpid()) + "-XXXXXX")).string();
  fd_ = ::mkstemp(temp_.data());
  if (fd_ < 0) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  set_cleanup_path(temp_);
}

detail::PendingFile::~PendingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_ && !through_) {
    ::unlink(temp_.c_str());
    set_cleanup_path("");
  }
}

void detail::PendingFile::fail(const char* what, int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!through_) {
    ::unlink(temp_.c_str());
    set_cleanup_path("");
  }
  done_ = true;
  throw InputError(fmt::format("{}: cannot {}: {}", path_, what, std::strerror(err)));
}

void detail::PendingFile::write(std::string_view content) {
  if (through_ && fd_ < 0 && !done_) {
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) fail("open", errno);
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd_, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write", errno);
    }
    written += static_cast<std::size_t>(n);
  }
}

void detail::PendingFile::close() {
  if (fd_ < 0) return;
  if (!through_ && ::fsync(fd_) != 0) fail("flush", errno);  // fsync is meaningless (EINVAL) on a pipe or device
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close", errno);
}

void detail::PendingFile::commit() {
  close();
  if (through_) {
    done_ = true;
    return;
  }
  if (::chmod(temp_.c_str(), output_mode(target_)) != 0) fail("set permissions", errno);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("rename into place", errno);
  set_cleanup_path("");
  done_ = true;
}

void write_file_atomically(const std::string& path, std::string_view content) {
  detail::PendingFile file(path);
  file.write(content);
  file.commit();
}

}  // namespace qqt
