// qqt: the command-line entry point. Everything else lives in cli.cpp (parsing, the command table)
// and commands/*.cpp (one handler per command), built as the qqt_cli library so that the
// command-line fuzz harness runs the same code path.
#include "cli.hpp"

int main(int argc, char** argv) { return qqt::cli::run_cli(argc, argv); }
