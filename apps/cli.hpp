// The qqt command line as a function: main() and the command-line fuzz harness call the same code.
// It parses the arguments, runs one command through the library, prints and returns the exit code
// (0 ok, 1 internal/numerical/environment failure, 2 bad input, 3 regression or quality check
// failed). It never exits the process and never throws.
#pragma once

#include <cstdio>

namespace qqt::cli {

/// Where the command line writes. Standard output carries results; standard error carries log
/// lines, progress and the one error line. A harness may pass files of its own (e.g. /dev/null).
struct Streams {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

/// Runs `argv` (argv[0] is the program name) and returns the exit code.
int run_cli(int argc, const char* const* argv, const Streams& streams = {});

}  // namespace qqt::cli
