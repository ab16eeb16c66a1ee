#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang-14, address + undefined sanitizers) in build-fuzz/ and runs
# each one, starting from the seed corpora in tests/fuzz/corpus/<harness>/ (only read: new inputs go
# to a scratch corpus). Inputs that crash or time out are written to build-fuzz/findings/ and the
# script fails; keep each as a regression seed in the corpus once fixed.
#   scripts/fuzz.sh [SECONDS]   local runs: each harness for SECONDS of wall-clock time (default 30)
#   scripts/fuzz.sh --ci        CI (.ci/run): each harness a fixed number of executions with a fixed
#                               seed (-seed=1 -runs=N, N below), so a CI result can be reproduced
#                               exactly: the same commit runs the same inputs. About 5-10 s each.
#                               Two sources of chance are also switched off there: address-space
#                               randomisation (setarch -R: yaml-cpp and the ASan allocator order
#                               things by address) and comparison tracing (-use_cmp=0: its tables
#                               vary from run to run even with the same seed). Measured: two runs
#                               end with the same coverage, features and corpus for every harness.
# Environment: QQT_FUZZ_BUILD_DIR (default build-fuzz/), QQT_FUZZ_CI=1 (same as --ci).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QQT_FUZZ_BUILD_DIR:-$root/build-fuzz}"
ci="${QQT_FUZZ_CI:-}"
seconds=30
case "${1:-}" in
  --ci) ci=1 ;;
  "") ;;
  *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS | --ci]" >&2; exit 2 ;;
  *) seconds="$1" ;;
esac

# CI mode: executions per harness (-runs), chosen so each takes ~5-10 s on the 2-core CI machine
# (docs/reliability.md, "Fuzzing"). Every harness of the list must have one.
declare -A ci_runs=(
  [fuzz_config]=9000 [fuzz_budget]=50000 [fuzz_law]=9000 [fuzz_observations]=24000
  [fuzz_expect]=2000 [fuzz_fit_chain]=20000 [fuzz_search]=1500 [fuzz_plot_script]=4000
  [fuzz_kernel]=60000 [fuzz_cli]=1200
)

# The compiler and its fuzzing runtime come from Debian too.
QQT_EXTRA_PACKAGES="clang-14 libclang-rt-14-dev" QQT_SKIP_BUILD=1 "$root/scripts/setup.sh"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Configured every time (a no-op when nothing changed), so an older build-fuzz/ picks up new options:
# the apps are built too, for fuzz_cli.
configure=(-S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1
           -DQQT_FUZZ=ON -DQQT_BUILD_TESTS=OFF -DQQT_BUILD_APPS=ON -DQQT_BUILD_BENCH=OFF
           -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=4)  # unity: a third of the compile time
CC=clang-14 CXX=clang++-14 cmake "${configure[@]}" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
cmake --build "$build_dir" -j "$(nproc)" >"$log" 2>&1 || { cat "$log" >&2; echo "fuzz build failed" >&2; exit 1; }

fixed_layout=()
if [[ -n "$ci" ]]; then
  if setarch "$(uname -m)" -R true 2>/dev/null; then
    fixed_layout=(setarch "$(uname -m)" -R)
  else
    echo "fuzz.sh: setarch -R is not allowed here; CI runs may differ slightly from run to run" >&2
  fi
fi

mkdir -p "$build_dir/findings"
status=0
# Every harness of tests/fuzz/CMakeLists.txt, in its order.
harnesses=$(sed -n 's/^set(QQT_FUZZ_HARNESSES \(.*\))$/\1/p' "$root/tests/fuzz/CMakeLists.txt")
[[ -n "$harnesses" ]] || { echo "fuzz.sh: no harness list in tests/fuzz/CMakeLists.txt" >&2; exit 1; }
for harness in $harnesses; do
  if [[ -n "$ci" ]]; then
    [[ -n "${ci_runs[$harness]:-}" ]] || { echo "fuzz.sh: no CI run count for $harness (ci_runs in scripts/fuzz.sh)" >&2; exit 1; }
    budget=(-seed=1 -runs="${ci_runs[$harness]}" -use_cmp=0)
  else
    budget=(-max_total_time="$seconds")
  fi
  work="$(mktemp -d)"
  seeds="$root/tests/fuzz/corpus/$harness"
  out="$build_dir/$harness.log"
  start=$SECONDS
  # New inputs go to the scratch corpus; the committed seeds are only read.
  if "${fixed_layout[@]}" "$build_dir/tests/fuzz/$harness" "$work" "$seeds" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -artifact_prefix="$build_dir/findings/$harness-" -print_final_stats=1 >"$out" 2>&1; then
    runs=$(grep -E '^stat::number_of_executed_units' "$out" | awk '{print $2}')
    edges=$(grep -oE 'cov: [0-9]+' "$out" | tail -1 | awk '{print $2}')
    echo "$harness: ok, ${runs:-?} executions, ${edges:-?} edges in $((SECONDS - start)) s"
  else
    echo "$harness: FAILED (see $out and $build_dir/findings/)" >&2
    tail -40 "$out" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
