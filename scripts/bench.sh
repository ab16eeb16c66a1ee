#!/usr/bin/env bash
# Benchmarks (targets in docs/performance.md). Whole-process times are the median of several runs.
#   scripts/bench.sh            all benchmarks
#   scripts/bench.sh targets    only issue 14's targets (with the reference ratios) and the pool growth
# Environment:
#   QQT_REFERENCE_DIR     a checkout of the paper's released code (github.com/locuslab/
#                         scaling_laws_data_filtering; never part of qqt): the issue-14 targets are
#                         then printed next to its top-k planner's time on the same budgets, as a
#                         ratio (ours / reference; < 1 is faster). Unset: the ratios are "n/a".
#   QQT_REFERENCE_PYTHON  the Python with numpy, tqdm and matplotlib for it (default python3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${QQT_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
qqt="$build_dir/apps/qqt"

# time_cmd RUNS LABEL CMD...: median and min wall time of RUNS runs, output discarded.
# With PER=K in the environment it also prints the median divided by K (e.g. per budget).
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
  last_median_us=$median
  awk -v l="$label" -v med="$median" -v mn="$min" -v r="$runs" -v per="${PER:-0}" \
    'BEGIN { printf "%-78s median %8.1f ms   min %8.1f ms   (%d runs)", l, med / 1000, mn / 1000, r;
             if (per > 0) printf "   = %.1f ms per unit (median / %d)", med / 1000 / per, per;
             printf "\n" }'
}

data="$root/tests/data"
ref_python="${QQT_REFERENCE_PYTHON:-python3}"

# reference_ms RUNS FROM TO N [B_LIST TAU_LIST]: median time (ms) of the reference planner's top-k
# loop over the same budgets (scripts/reference_topk.py), or "n/a" without QQT_REFERENCE_DIR.
reference_ms() {
  local runs="$1"; shift
  if [[ -z "${QQT_REFERENCE_DIR:-}" ]]; then echo "n/a"; return; fi
  local times=()
  for ((i = 0; i < runs; i++)); do times+=("$("$ref_python" "$root/scripts/reference_topk.py" "$QQT_REFERENCE_DIR" "$@")"); done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

# ratio_line LABEL REFERENCE_MS TARGET: our last median next to the reference's, and their ratio.
ratio_line() {
  local label="$1" ref="$2" target="$3"
  awk -v l="$label" -v ours="$last_median_us" -v ref="$ref" -v t="$target" \
    'BEGIN { if (ref == "n/a") printf "  %-62s qqt %9.1f ms   reference n/a   ratio n/a   (%s)\n", l, ours / 1000, t;
             else printf "  %-62s qqt %9.1f ms   reference %9.1f ms   ratio %.3f   (%s)\n", l, ours / 1000, ref, ours / 1000 / ref, t }'
}

# bootstrap_example DIR: the 25-run example of the fit --bootstrap target in DIR/pools.yaml and
# DIR/runs.csv: the built-in config's 4 pools alone at 2-10 passes (20 runs) and the first two pools
# mixed at 5 budgets (5 runs), errors x (1 + 0.01 s) with s a fixed sequence in [-1, 1].
bootstrap_example() {
  local boot="$1"
  sed -e 's/, b: [-0-9.]*, *tau: [0-9.]*}/}/' -e '/^a:/d' -e '/^d:/d' "$root/configs/datacomp-medium-tmars-imagenet.yaml" >"$boot/pools.yaml"
  {
    echo "pool,samples_seen,error"
    local names=("top 0-10%" "top 10-20%" "top 20-30%" "top 30-40%")
    for i in 0 1 2 3; do
      local f=(0 0 0 0); f[$i]=1
      "$qqt" -q predict --fractions "$(IFS=,; echo "${f[*]}")" --budget 25.6M,51.2M,76.8M,102.4M,128M --format csv |
        awk -F, -v p="${names[$i]}" 'NR > 1 { print "\"" p "\"," $1 "," $2 }'
    done
    "$qqt" -q predict --fractions 1,1,0,0 --budget 25.6M,51.2M,76.8M,102.4M,128M --format csv |
      awk -F, 'NR > 1 { print "\"top 0-10%+top 10-20%\"," $1 "," $2 }'
  } | awk -F, 'NR == 1 { print; next } { s = ((NR * 7) % 11 - 5) / 5; printf "%s,%s,%.17g\n", $1, $2, $3 * (1 + 0.01 * s) }' >"$boot/runs.csv"
}

pools8_b="-0.17,-0.15571,-0.14143,-0.12714,-0.11286,-0.09857,-0.08429,-0.07"
pools8_tau="8.5,8.371,6.643,5.714,5.586,3.857,2.929,2.8"
what="${1:-all}"
echo "== issue 14 targets: whole process, next to the reference planner's top-k on the same budgets"
echo "   (reference: ${QQT_REFERENCE_DIR:-unset}; ratio = qqt / reference, < 1 is faster)"
time_cmd 3 "qqt plan --budgets 1M:100B:10000 --format csv (default search, 4 pools)" \
  "$qqt" -q plan --budgets 1M:100B:10000 --format csv
ratio_line "default search, 10,000 budgets" "$(reference_ms 3 1e6 1e11 10000)" "target: ratio < 1"
time_cmd 5 "plan --config pools-8.yaml --budgets 1M:100B:100 (default search)" \
  "$qqt" -q plan --config "$data/pools-8.yaml" --budgets 1M:100B:100
ratio_line "8 pools x 100 budgets, default search" "$(reference_ms 3 1e6 1e11 100 "$pools8_b" "$pools8_tau")" "target: <= 300 ms"
plot_dir="$(mktemp -d)"
time_cmd 5 "qqt plot curves --search threshold,mixture (default config, 240 budgets)" \
  "$qqt" -q plot curves --search threshold,mixture --output "$plot_dir/curves.png"
ratio_line "plot curves --search threshold,mixture" "$(reference_ms 3 8e6 5.12e10 240)" "target: <= 300 ms"
rm -rf "$plot_dir"
boot="$(mktemp -d)"
bootstrap_example "$boot"
time_cmd 3 "qqt fit --bootstrap 1000 --threads 2 (25 runs, 10 free parameters)" \
  "$qqt" -q fit --config "$boot/pools.yaml" --observations "$boot/runs.csv" --bootstrap 1000 --threads 2 --output "$boot/t2.yaml"
printf '  %-62s qqt %9.1f ms   reference: none (it has no bootstrap)   (target: <= 2000 ms)\n' \
  "fit --bootstrap 1000 --threads 2" "$(awk -v u="$last_median_us" 'BEGIN { print u / 1000 }')"
rm -rf "$boot"
peak_kb=$(/usr/bin/time -v "$qqt" -q plan --budgets 1M:100B:1000000 --format csv --search topk 2>&1 >/dev/null |
          awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }')
printf '  %-62s peak memory %7.1f MiB   (target: < 100 MiB)\n' \
  "plan --budgets 1M:100B:1000000 --format csv --search topk" "$(awk -v k="$peak_kb" 'BEGIN { print k / 1024 }')"
echo
echo "== growth with pools (tests/bench/pools_bench.cpp; synthetic configs; CPU time)"
"$build_dir/tests/qqt_pools_bench" growth "${QQT_BENCH_POOL_BUDGETS:-6}" 100 "${QQT_BENCH_POOL_SEEDS:-1}"
"$build_dir/tests/qqt_pools_bench" sweep 4 200
"$build_dir/tests/qqt_pools_bench" sweep 8 50
"$build_dir/tests/qqt_pools_bench" sweep 16 50
"$build_dir/tests/qqt_pools_bench" sweep 32 30
echo "   the 16-pool test config, 100 budgets, default search (segment descent from 16 pools)"
time_cmd 3 "plan --config pools-16.yaml --budgets 1M:100B:100 (default search)" \
  "$qqt" -q plan --config "$data/pools-16.yaml" --budgets 1M:100B:100
echo
[[ "$what" == targets ]] && exit 0
echo "== whole process, top-k levels (target: 10,000 budgets x 4 levels < 50 ms)"
time_cmd 15 "qqt plan --budgets 1M:100B:10000 --format csv --search topk (default config)" "$qqt" -q plan --budgets 1M:100B:10000 --format csv --search topk
time_cmd 15 "qqt plan --budget 640M --search topk (default config, table)" "$qqt" -q plan --budget 640M --search topk
echo
echo "== whole process, search families (docs/search.md)"
echo "   target: subsets over 16 pools (65,535 subsets) x 100 budgets < 1 s"
time_cmd 5 "plan --config pools-16.yaml --budgets 1M:100B:100 --search subsets --format json" \
  "$qqt" -q plan --config "$data/pools-16.yaml" --budgets 1M:100B:100 --search subsets --format json
time_cmd 5 "  the same, --threads 1" \
  "$qqt" -q plan --config "$data/pools-16.yaml" --budgets 1M:100B:100 --search subsets --format json --threads 1
echo "   target: mixture over 8 pools < 100 ms per budget"
PER=10 time_cmd 5 "plan --config pools-8.yaml --budgets 1M:100B:10 --search mixture --threads 1" \
  "$qqt" -q plan --config "$data/pools-8.yaml" --budgets 1M:100B:10 --search mixture --format json --threads 1
PER=10 time_cmd 5 "  the same, --threads 2" \
  "$qqt" -q plan --config "$data/pools-8.yaml" --budgets 1M:100B:10 --search mixture --format json --threads 2
PER=1 time_cmd 5 "plan --config pools-8.yaml --budget 100B --search mixture (the slowest budget)" \
  "$qqt" -q plan --config "$data/pools-8.yaml" --budget 100B --search mixture --format json
echo "   the default search (topk, subsets, threshold, mixture)"
time_cmd 5 "qqt plan --budget 32M,64M,128M,640M (default config, table)" "$qqt" -q plan --budget 32M,64M,128M,640M
PER=1000 time_cmd 3 "qqt plan --budgets 1M:100B:1000 --format csv --threads 1 (default config, chains of 32)" \
  "$qqt" -q plan --budgets 1M:100B:1000 --format csv --threads 1
PER=1000 time_cmd 3 "  the same, --warm-chain 1 (every budget searched cold)" \
  "$qqt" -q plan --budgets 1M:100B:1000 --format csv --threads 1 --warm-chain 1
PER=100 time_cmd 3 "qqt plan --budgets 1M:100B:100 --format json (default config)" "$qqt" -q plan --budgets 1M:100B:100 --format json
PER=100 time_cmd 3 "plan --config pools-8.yaml --budgets 1M:100B:100 --format json" \
  "$qqt" -q plan --config "$data/pools-8.yaml" --budgets 1M:100B:100 --format json
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
  "$qqt" -q validate --config "$root/configs/datacomp-medium-tmars-imagenet.yaml" --observations "$big/runs.csv" --format csv
rm -rf "$big"

echo
echo "== fit --bootstrap 1000 (issue 14 target: <= 2 s with --threads 2, the same output for any thread count)"
boot="$(mktemp -d)"
bootstrap_example "$boot"
echo "rows: $(($(wc -l <"$boot/runs.csv") - 1))"
for t in 1 2; do
  time_cmd 3 "qqt fit --bootstrap 1000 --threads $t (25 runs, 10 free parameters)" \
    "$qqt" -q fit --config "$boot/pools.yaml" --observations "$boot/runs.csv" --bootstrap 1000 --threads "$t" --output "$boot/t$t.yaml"
done
if cmp -s "$boot/t1.yaml" "$boot/t2.yaml"; then echo "identical output with 1 and 2 threads"; else echo "OUTPUT DIFFERS between 1 and 2 threads"; fi
rm -rf "$boot"
