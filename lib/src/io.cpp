#include "qqt/io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "qqt/error.hpp"

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

InputText read_input(const std::string& path, std::string_view kind, std::string_view a_kind) {
  std::stringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
    return {buffer.str(), "<stdin>"};
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(fmt::format("{}: is a directory, not {}", path, a_kind));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the {}: {}", path, kind, std::strerror(errno)));
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(fmt::format("{}: cannot read the {}", path, kind));
  return {buffer.str(), path};
}

void check_writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(fmt::format("{}: is a directory; --output needs a file path", path));
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string probe = (dir / ("." + target.filename().string() + ".probe.XXXXXX")).string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  ::close(fd);
  ::unlink(probe.c_str());
}

detail::PendingFile::PendingFile(const std::string& path) : path_(path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(fmt::format("{}: is a directory; --output needs a file path", path));
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  temp_ = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  fd_ = ::mkstemp(temp_.data());
  if (fd_ < 0) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  set_cleanup_path(temp_);
}

detail::PendingFile::~PendingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_) {
    ::unlink(temp_.c_str());
    set_cleanup_path("");
  }
}

void detail::PendingFile::fail(const char* what, int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
  set_cleanup_path("");
  done_ = true;
  throw InputError(fmt::format("{}: cannot {}: {}", path_, what, std::strerror(err)));
}

void detail::PendingFile::write(std::string_view content) {
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
  if (::fsync(fd_) != 0) fail("flush", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close", errno);
}

void detail::PendingFile::commit() {
  close();
  if (::chmod(temp_.c_str(), output_mode(path_)) != 0) fail("set permissions", errno);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("rename into place", errno);
  set_cleanup_path("");
  done_ = true;
}

void write_file_atomically(const std::string& path, std::string_view content) {
  detail::PendingFile file(path);
  file.write(content);
  file.commit();
}

}  // namespace qqt
