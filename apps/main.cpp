// qqt: the command-line entry point. Everything else lives in cli.cpp (parsing, the command table,
// the error line) and commands/*.cpp (one handler per command), built as the qqt_cli library so
// that the command-line fuzz harness runs the same code path.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "cli.hpp"

namespace {

// A standard descriptor the caller closed (`2>&-`) would be reused by the next open(), and log
// lines or the error line would land in an output file. Occupy it with /dev/null opened the other
// way round, so that reads (fd 0) or writes (fds 1, 2) fail as they would on the closed descriptor:
// a closed stdout is still a write error (exit 1), a closed stderr only loses the messages.
void occupy_closed_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int opened = ::open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  occupy_closed_standard_descriptors();
  return qqt::cli::run_cli(argc, argv);
}
