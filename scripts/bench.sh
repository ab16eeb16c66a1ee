#!/usr/bin/env bash
# Benchmarks (targets in docs/performance.md). Whole-process times are the median of several runs.
#   scripts/bench.sh            all benchmarks
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QQT_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
qqt="$build_dir/apps/qqt"

# time_cmd RUNS LABEL CMD...: median and min wall time of RUNS runs, output discarded.
time_cmd() {
  local runs="$1" label="$2"; shift 2
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  local min median
  min=$(echo "$sorted" | head -1)
  median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  awk -v l="$label" -v med="$median" -v mn="$min" -v r="$runs" \
    'BEGIN { printf "%-70s median %8.1f ms   min %8.1f ms   (%d runs)\n", l, med / 1000, mn / 1000, r }'
}

echo "== whole process (target: plan over 10,000 budgets x 4 levels < 50 ms)"
time_cmd 15 "qqt plan --budgets 1M:100B:10000 --format csv (default config)" "$qqt" plan --budgets 1M:100B:10000 --format csv
time_cmd 15 "qqt plan --budget 640M (default config, table)" "$qqt" plan --budget 640M
echo
echo "== law evaluations"
"$build_dir/tests/qqt_law_bench"
echo
echo "== fit (docs/fit.md): against the reference's 100,000-point random grid; recovery; interval coverage"
"$build_dir/tests/qqt_fit_bench" grid
echo
"$build_dir/tests/qqt_fit_bench" recovery
echo
"$build_dir/tests/qqt_fit_bench" coverage "${QQT_BENCH_COVERAGE_SETS:-40}" 200
echo
echo "== large inputs (target: a 1,000,000-row observations CSV loads in under 2 s)"
big="$(mktemp -d)"
awk 'BEGIN { print "pool,samples_seen,error";
             for (i = 0; i < 1000000; i++) { p = i % 4; printf "top %d-%d%%,%dM,%.4f\n", p * 10, p * 10 + 10, 10 + i % 500, 0.5 + (i % 1000) / 4000 } }' \
  >"$big/runs.csv"
time_cmd 3 "qqt validate, 1,000,000 rows (load + predict + write CSV)" \
  "$qqt" validate --config "$root/configs/datacomp-medium-tmars-imagenet.yaml" --observations "$big/runs.csv" --format csv
rm -rf "$big"
