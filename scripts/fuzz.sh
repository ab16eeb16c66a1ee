#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang-14, address + undefined sanitizers) in build-fuzz/ and runs
# each for SECONDS (default 30), starting from the seed corpora in tests/fuzz/corpus/<harness>/.
# Inputs that crash are written to build-fuzz/findings/ and the script fails; keep each as a
# regression seed in the corpus once fixed.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-30}"
build_dir="${QQT_FUZZ_BUILD_DIR:-$root/build-fuzz}"

# The compiler and its fuzzing runtime come from Debian too.
QQT_EXTRA_PACKAGES="clang-14 libclang-rt-14-dev" QQT_SKIP_BUILD=1 "$root/scripts/setup.sh"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 \
    -DQQT_FUZZ=ON -DQQT_BUILD_TESTS=OFF -DQQT_BUILD_APPS=OFF >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
cmake --build "$build_dir" -j "$(nproc)" >"$log" 2>&1 || { cat "$log" >&2; echo "fuzz build failed" >&2; exit 1; }

mkdir -p "$build_dir/findings"
status=0
# Every harness of tests/fuzz/CMakeLists.txt, in its order.
harnesses=$(sed -n 's/^set(QQT_FUZZ_HARNESSES \(.*\))$/\1/p' "$root/tests/fuzz/CMakeLists.txt")
[[ -n "$harnesses" ]] || { echo "fuzz.sh: no harness list in tests/fuzz/CMakeLists.txt" >&2; exit 1; }
for harness in $harnesses; do
  work="$(mktemp -d)"
  seeds="$root/tests/fuzz/corpus/$harness"
  out="$build_dir/$harness.log"
  # New inputs go to the scratch corpus; the committed seeds are only read.
  if "$build_dir/tests/fuzz/$harness" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -artifact_prefix="$build_dir/findings/$harness-" -print_final_stats=1 >"$out" 2>&1; then
    runs=$(grep -E '^stat::number_of_executed_units' "$out" | awk '{print $2}')
    edges=$(grep -oE 'cov: [0-9]+' "$out" | tail -1 | awk '{print $2}')
    echo "$harness: ok, ${runs:-?} executions, ${edges:-?} edges in ${seconds} s"
  else
    echo "$harness: FAILED (see $out and $build_dir/findings/)" >&2
    tail -40 "$out" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
