// io.cpp <-> io_test.cpp: inputs are read with a size limit and without waiting on a FIFO; outputs
// replace a regular file atomically, keep a symlink, and write through a device or FIFO.
#include "qqt/io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "qqt/error.hpp"
#include "qqt/limits.hpp"

using namespace qqt;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

// A fresh folder under /tmp, removed at the end of the test case.
struct TempDir {
  fs::path path;
  explicit TempDir(const char* tag) : path(fs::temp_directory_path() / fmt::format("qqt-io-{}-{}", tag, ::getpid())) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator())); }
};

}  // namespace

TEST_CASE("an output symlink stays a symlink and its target gets the content atomically", "[io]") {
  TempDir dir("symlink");
  const fs::path target = dir.path / "real.json";
  const fs::path link = dir.path / "link.json";
  write_file_atomically(target.string(), "old\n");
  fs::create_symlink("real.json", link);  // relative, as `ln -s` makes them
  write_file_atomically(link.string(), "new\n");
  CHECK(fs::is_symlink(fs::symlink_status(link)));
  CHECK(fs::read_symlink(link) == "real.json");
  CHECK(slurp(target) == "new\n");
  CHECK(dir.entries() == 2);  // no temporary left beside either
  // A dangling symlink: the file it names is created.
  const fs::path dangling = dir.path / "dangling.json";
  fs::create_symlink(dir.path / "made.json", dangling);
  write_file_atomically(dangling.string(), "made\n");
  CHECK(fs::is_symlink(fs::symlink_status(dangling)));
  CHECK(slurp(dir.path / "made.json") == "made\n");
  check_writable(link.string());
}

TEST_CASE("an output FIFO is written through, not replaced by a file", "[io]") {
  TempDir dir("fifo");
  const fs::path fifo = dir.path / "out.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] { got = slurp(fifo); });  // opening for reading waits for the writer
  write_file_atomically(fifo.string(), "through the pipe\n");
  reader.join();
  CHECK(got == "through the pipe\n");
  CHECK(fs::is_fifo(fs::symlink_status(fifo)));
  CHECK(dir.entries() == 1);
  check_writable(fifo.string());
}

TEST_CASE("/dev/null as the output stays a character device", "[io]") {
  // Written through, never renamed over: on a machine running as root the atomic rename used to
  // put a regular file where the device was.
  REQUIRE(fs::is_character_file("/dev/null"));
  check_writable("/dev/null");
  write_file_atomically("/dev/null", "discarded\n");
  CHECK(fs::is_character_file(fs::symlink_status("/dev/null")));
}

TEST_CASE("temporary files of a killed run are removed by the next run on the same output", "[io]") {
  TempDir dir("stale");
  const fs::path target = dir.path / "plan.json";
  // A process that has ended: its pid is free (until reused, which kill(pid, 0) would see).
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const fs::path stale = dir.path / fmt::format(".plan.json.qqt-tmp-{}-AbC123", child);
  const fs::path live = dir.path / fmt::format(".plan.json.qqt-tmp-{}-AbC123", ::getpid());
  const fs::path other = dir.path / fmt::format(".other.json.qqt-tmp-{}-AbC123", child);
  for (const auto& p : {stale, live, other}) std::ofstream(p) << "partial";
  write_file_atomically(target.string(), "done\n");
  CHECK_FALSE(fs::exists(stale));  // a dead writer's debris for this output
  CHECK(fs::exists(live));         // a running writer's file is left alone
  CHECK(fs::exists(other));        // other outputs' files are not ours to judge
  CHECK(slurp(target) == "done\n");
}

TEST_CASE("block devices and sockets are refused as outputs", "[io]") {
  // A socket is the kind we can make without privileges.
  TempDir dir("socket");
  const fs::path sock = dir.path / "s";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  CHECK_THROWS_WITH(write_file_atomically(sock.string(), "x"), Catch::Contains("is a socket"));
  CHECK_THROWS_WITH(check_writable(sock.string()), Catch::Contains("is a socket"));
  ::close(fd);
}

TEST_CASE("inputs larger than the limit are refused without reading them whole", "[io]") {
  // /dev/zero never ends: the reader must stop at the limit.
  CHECK_THROWS_WITH(read_input("/dev/zero", "config file", "a config file"),
                    Catch::Contains(fmt::format("input limit of {} MiB", limits::kMaxInputBytes >> 20)));
  TempDir dir("input");
  const fs::path exact = dir.path / "exact.yaml";
  std::ofstream(exact, std::ios::binary) << std::string(limits::kMaxInputBytes, 'x');
  CHECK(read_input(exact.string(), "config file", "a config file").text.size() == limits::kMaxInputBytes);
  std::ofstream(exact, std::ios::app | std::ios::binary) << 'x';
  CHECK_THROWS_AS(read_input(exact.string(), "config file", "a config file"), InputError);
}

TEST_CASE("a FIFO input without a writer is an error, not a hang", "[io]") {
  TempDir dir("fifo-in");
  const fs::path fifo = dir.path / "config.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(read_input(fifo.string(), "config file", "a config file"), Catch::Contains("nothing was written to the FIFO"));
  // A FIFO whose writer is running reads as usual (tests/cli/io_test.sh: --config <(cat FILE)).
}
