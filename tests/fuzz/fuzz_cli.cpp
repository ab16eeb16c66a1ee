// libFuzzer harness: the command line, through qqt::cli::run_cli (the code path of main). The input
// is an argument vector (arguments separated by NUL bytes) run in a temporary folder holding a
// config (c.yaml, the built-in one), an effective-data config (e.yaml) and observations (o.csv),
// removed at exit. Every run must return 0, 2 or 3, or 1 with a numerical or environment failure:
// "qqt: internal error" on stderr is a bug, and so is a crash or a hang.
// Skipped, to keep one input fast and the machine untouched: any argument with a '/' (files stay
// in the temporary folder: no /dev, no ../), reading stdin ("-"), drawing with gnuplot (plot
// without --script), long sweeps (--budgets, --bootstrap) and --threads.
// Seeds (tests/fuzz/corpus/fuzz_cli/) are argument vectors, one NUL between arguments.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "qqt/config.hpp"

namespace {

std::filesystem::path temp_dir;

void remove_temp_dir() {
  std::error_code ignored;
  std::filesystem::current_path("/", ignored);
  std::filesystem::remove_all(temp_dir, ignored);
}

void enter_temp_dir() {
  char dir[] = "/tmp/qqt-fuzz-cli-XXXXXX";
  if (!::mkdtemp(dir) || ::chdir(dir) != 0) std::abort();
  temp_dir = dir;
  std::atexit(remove_temp_dir);
  std::ofstream("c.yaml") << qqt::default_config_text();
  std::ofstream("e.yaml") << "law: effective-data\na: 0.022\nd: 0.1\npools:\n"
                             "  - {name: top, size: 12.8M, b: -0.18, tau: 4}\n"
                             "  - {name: next, size: 12.8M, b: -0.14, tau: 4.4}\n";
  std::ofstream("o.csv") << "pool,samples_seen,accuracy\n"
                            "top 0-10%,32M,0.18\ntop 0-10%+top 10-20%,128M,0.30\n"
                            "top 0-10%,640M,0.31\ntop 0-10%+top 10-20%+top 20-30%,640M,0.37\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool ready = (enter_temp_dir(), true);
  (void)ready;
  std::vector<std::string> args{"qqt"};
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && args.size() < 12) {
    const std::size_t nul = rest.find('\0');
    args.emplace_back(rest.substr(0, nul));
    rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  }
  bool script = false, plot = false;
  for (const auto& a : args) {
    if (a.size() > 64 || a == "-" || a.find('/') != std::string::npos || a.rfind("--budgets", 0) == 0 || a.rfind("--bootstrap", 0) == 0 ||
        a.rfind("--threads", 0) == 0)
      return 0;
    if (a == "--script") script = true;
    if (a == "plot") plot = true;
  }
  if (plot && !script) return 0;
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  char* err_text = nullptr;
  std::size_t err_size = 0;
  std::FILE* err = ::open_memstream(&err_text, &err_size);
  std::FILE* out = std::fopen("/dev/null", "w");
  if (!err || !out) std::abort();
  const int code = qqt::cli::run_cli(static_cast<int>(argv.size()), argv.data(), {out, err});
  std::fclose(out);
  std::fclose(err);
  // A line of run_cli's InternalError report (an argument echoed in a message may contain the words;
  // messages print control characters escaped, so an argument cannot start a line).
  const std::string_view report(err_text ? err_text : "", err_size);
  constexpr std::string_view kInternal = "qqt: internal error (please report)";
  const bool internal = report.starts_with(kInternal) || report.find("\n" + std::string(kInternal)) != std::string_view::npos;
  if (internal) std::fwrite(err_text, 1, err_size, stderr);
  std::free(err_text);
  if (internal || code < 0 || code > 3) std::abort();
  return 0;
}
