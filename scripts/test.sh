#!/usr/bin/env bash
# Sets qqt up if needed (Debian packages, configure, build in build/ with warnings as errors) and
# runs every test with ctest; then builds the same tests with clang-14, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-san/ and runs them again (any report fails the run).
#   scripts/test.sh            both builds
#   QQT_NO_SANITIZE=1 scripts/test.sh   the plain build only (quick local runs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QQT_BUILD_DIR:-$root/build}"

QQT_WERROR=ON "$root/scripts/setup.sh"
echo "== tests (build: $build_dir)"
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)")

if [[ -z "${QQT_NO_SANITIZE:-}" ]]; then
  asan_dir="${QQT_ASAN_BUILD_DIR:-$root/build-san}"
  # Built by clang-14 (installed for the fuzzers anyway): half the compile time of g++'s sanitizer
  # build, and a second compiler over the code. Warnings are enforced by the plain g++ build, so
  # this one does not treat them as errors.
  CC=clang-14 CXX=clang++-14 QQT_EXTRA_PACKAGES="clang-14 libclang-rt-14-dev" QQT_BUILD_DIR="$asan_dir" QQT_WERROR=OFF \
    QQT_CMAKE_ARGS="-DQQT_SANITIZE=ON -DQQT_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1" \
    "$root/scripts/setup.sh"
  echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer (build: $asan_dir)"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  (cd "$asan_dir" && ctest --output-on-failure -j "$(nproc)")
fi
