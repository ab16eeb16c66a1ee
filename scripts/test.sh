#!/usr/bin/env bash
# Sets qqt up if needed (Debian packages, configure, build in build/ with warnings as errors) and
# runs every test with ctest. Exit status: ctest's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QQT_BUILD_DIR:-$root/build}"
QQT_WERROR=ON "$root/scripts/setup.sh"
if [[ ! -d "$root/../shared/testdata" ]]; then
  echo "qqt test: ../shared (spec, test vectors, external data) is missing next to the project" >&2
  exit 2
fi
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)"
