#!/usr/bin/env bash
# End-to-end tests of the qqt command line: outputs, exit codes and one-line errors.
# Usage: cli_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- the reference table (issue: predicted accuracy for top 10/20/30/40 %)
run 0 plan --budget 32M,64M,128M,640M
has_row "$tmp/out" 32M top-1 "top" "10%"
has_row "$tmp/out" 640M top-2 "top" "20%"
has_row "$tmp/out" "18.25*" "15.84~" "13.42~" "11.68~"
has_row "$tmp/out" 31.18 "38.55*" "37.56~" "35.14~"
has_row "$tmp/out" top-1 "->" top-2
if grep -q $'\x1b' "$tmp/out"; then bad "colour codes in piped output"; else ok; fi
cp "$tmp/out" "$tmp/first"
run 0 plan --budget 32M,64M,128M,640M
if cmp -s "$tmp/out" "$tmp/first"; then ok; else bad "two runs differ"; fi

# --- help, version, usage errors
run 0 --version
has "$tmp/out" "qqt 0.1.0"
run 0 --help
has "$tmp/out" "Examples:"
has "$tmp/out" "Exit codes: 0 ok"
run 0 plan --help
has "$tmp/out" "--budgets"
has "$tmp/out" "--expect"
run 2
has "$tmp/err" "qqt: error:"
run 2 plan --budget 1M --frobnicate
has "$tmp/err" "qqt: error:"
run 2 plan
one_line_error "no budget given"
run 2 plan --budget 1M --budgets 1M:1B:3
one_line_error "either --budget or --budgets"
run 2 plan --budget 12X
one_line_error "--budget item 1: '12X' is not a sample count"
run 2 plan --budget -5M
has "$tmp/err" "qqt: error:"
run 2 plan --budgets 1B:1M:3
one_line_error "FROM must not exceed TO"
run 2 plan --budget 1M --format xml
one_line_error "--format: 'xml' is not a format"
run 2 plan --budget 1M --tolerance -1
one_line_error "--tolerance must be in [0, 1]"

# --- configs: file, stdin, bad files
run 0 plan --config "$src/configs/datacomp-medium-tmars-imagenet-effective-data.yaml" --budget 640M
has "$tmp/out" "effective-data law"
"$qqt" plan --config - --budget 32M,640M <"$src/configs/datacomp-medium-tmars-imagenet.yaml" >"$tmp/stdin" 2>&1 && ok || bad "config from stdin"
has "$tmp/stdin" "config: <stdin>"
has_row "$tmp/stdin" 31.18 "38.55*" "37.56~" "35.14~"
printf 'a: 0.025\nd: 0.1\npools:\n  - {name: x, size: 1M, b: -0.1, tau: 2}\n  - {name: y, size: 1M, b: -0.1, tau: 2}\n  - name: z\n    b: 0.12\n    size: 1M\n    tau: 2\n' >"$tmp/pools.yaml"
run 2 plan --config "$tmp/pools.yaml" --budget 1M
one_line_error "pools.yaml:7:8: pools[2].b must be negative, got 0.12"
printf 'a: 0.025\nd: 0.1\npool:\n  - {name: x, size: 1M, b: -0.1, tau: 2}\n' >"$tmp/typo.yaml"
run 2 plan --config "$tmp/typo.yaml" --budget 1M
one_line_error "typo.yaml:3:1: pool is not a known key (did you mean 'pools'?)"
run 2 plan --config "$tmp/missing.yaml" --budget 1M
one_line_error "missing.yaml: cannot open the config file"
run 2 plan --config "$tmp" --budget 1M
one_line_error "is a directory"

# --- numerical failure: a valid config whose error overflows double at this budget -> exit 1
printf 'a: 1e-300\nd: 0\npools:\n  - {name: x, size: 1M, b: -5, tau: 2}\n' >"$tmp/overflow.yaml"
run 1 plan --config "$tmp/overflow.yaml" --budget 1
has "$tmp/err" "qqt: numerical failure:"

# --- formats and files
run 0 plan --budget 32M,640M --format json
has "$tmp/out" '{"schema":2,'
has "$tmp/out" '"crossovers":[{"budget":'
cp "$tmp/out" "$tmp/baseline.json"
run 0 plan --budget 32M,640M --format json --output "$tmp/plan.json"
if cmp -s "$tmp/plan.json" "$tmp/baseline.json"; then ok; else bad "--output differs from stdout"; fi
if [[ ! -s "$tmp/out" ]]; then ok; else bad "--output also printed to stdout"; fi
run 0 plan --budgets 1M:100B:10 --format csv --search topk
# 10 budgets x (4 levels + 1 family row) + header
if [[ $(wc -l <"$tmp/out") -eq 51 ]]; then ok; else bad "csv rows: $(wc -l <"$tmp/out"), want 51"; fi
has "$tmp/out" "budget,strategy,label,pools,fractions,weights,unique_samples,passes,error,accuracy,pareto,best"
run 2 plan --budget 640M --output "$tmp"
one_line_error "is a directory"
run 2 plan --budget 640M --output "$tmp/no/such/dir/plan.json"
one_line_error "cannot write"
if [[ ! -e "$tmp/no" ]]; then ok; else bad "partial output left"; fi

# --- an interrupted write leaves the old file, and no temporary files. SIGINT is sent only once the
# temporary file exists (a fixed delay used to hit the computation, before any write began).
mkdir -p "$tmp/kill"
echo old >"$tmp/kill/plan.csv"
"$qqt" plan --budgets 10M:1T:200000 --format csv --search topk --output "$tmp/kill/plan.csv" 2>/dev/null &
pid=$!
mid_write=0
for _ in $(seq 1 6000); do
  if [[ $(ls -A "$tmp/kill" | wc -l) -gt 1 ]]; then kill -INT "$pid"; mid_write=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.01
done
wait "$pid"
code=$?
if [[ $mid_write -eq 1 ]]; then ok; else bad "the write ended before a temporary file was seen: nothing was interrupted"; fi
if [[ $code -eq 130 ]] || [[ $(wc -l <"$tmp/kill/plan.csv") -eq 1000001 ]]; then ok; else bad "exit $code after SIGINT"; fi
if [[ "$(cat "$tmp/kill/plan.csv")" == old ]] || [[ $(wc -l <"$tmp/kill/plan.csv") -eq 1000001 ]]; then ok; else bad "interrupted output is partial"; fi
if [[ $(ls -A "$tmp/kill" | wc -l) -eq 1 ]]; then ok; else bad "debris after interrupt: $(ls -A "$tmp/kill")"; fi

# --- regression check (the top-k levels only, as before the search families; then the default search)
run 0 plan --budget 32M,640M --format json --search topk --output "$tmp/baseline-topk.json"
run 0 plan --budget 32M,640M --expect "$tmp/baseline.json"
run 0 plan --budget 32M,640M --search topk --expect "$tmp/baseline-topk.json"
sed 's/b: -0.125/b: -0.13/' "$src/configs/datacomp-medium-tmars-imagenet.yaml" >"$tmp/changed.yaml"
run 3 plan --config "$tmp/changed.yaml" --budget 32M,640M --search topk --expect "$tmp/baseline-topk.json"
has "$tmp/err" "qqt: regression: budget 640M (640000000): error of top-2 improved from"
run 0 plan --config "$tmp/changed.yaml" --budget 32M,640M --search topk --expect "$tmp/baseline-topk.json" --tolerance 0.1
sed 's/b: -0.10,/b: -0.3,/' "$src/configs/datacomp-medium-tmars-imagenet.yaml" >"$tmp/flipped.yaml"
run 3 plan --config "$tmp/flipped.yaml" --budget 32M,640M --search topk --expect "$tmp/baseline-topk.json"
has "$tmp/err" "best strategy changed from top-2 to top-3"
# the default search compares the overall best: the mixture at 640M
run 3 plan --config "$tmp/changed.yaml" --budget 32M,640M --expect "$tmp/baseline.json"
has "$tmp/err" "qqt: regression: budget 640M (640000000): error of mixture improved from"
run 2 plan --budget 32M --expect "$tmp/missing.json"
one_line_error "cannot open the baseline file"

# --- plots
run 0 plot curves --output "$tmp/curves.svg"
if xmllint --noout "$tmp/curves.svg" 2>/dev/null; then ok; else bad "curves.svg is not well-formed XML"; fi
# Every level's curve and the envelope are in the figure, by their legend titles (not by gnuplot's
# SVG group ids, whose count varies between gnuplot versions).
for title in "top 10%" "top 20%" "top 30%" "top 40%" "best of all"; do has "$tmp/curves.svg" ">$title<"; done
run 0 plot utility --output "$tmp/utility.pdf"
if [[ "$(head -c 4 "$tmp/utility.pdf")" == "%PDF" ]]; then ok; else bad "utility.pdf is not a PDF"; fi
run 0 plot curves --output "$tmp/script.png" --script
has "$tmp/out" "set terminal pngcairo"
(cd "$tmp" && gnuplot <"$tmp/out") && ok || bad "the --script output does not run through gnuplot"
if [[ "$(head -c 4 "$tmp/script.png" | tail -c 3)" == "PNG" ]]; then ok; else bad "--script | gnuplot made no PNG"; fi
printf 'pool,samples_seen,error\ntop 0-10%%,25.6M,0.8\ntop 0-10%%,51.2M,0.75\n' >"$tmp/runs.csv"
run 0 plot fit --observations "$tmp/runs.csv" --output "$tmp/fit.svg"
if xmllint --noout "$tmp/fit.svg" 2>/dev/null; then ok; else bad "fit.svg is not well-formed XML"; fi
run 0 plot curves --observations "$tmp/runs.csv" --output "$tmp/curves-runs.svg"
has "$tmp/curves-runs.svg" "on the curve of their colour"
run 2 plot fit --output "$tmp/fit.svg"
one_line_error "plot fit: --observations RUNS.csv is required"
run 2 plot bars --output "$tmp/x.svg"
one_line_error "'bars' is not a plot kind"
run 2 plot curves --output "$tmp/x.jpg"
one_line_error "must end in .svg, .png or .pdf"
run 2 plot curves --output "$tmp/x.svg" --budgets 1M:1M:1
one_line_error "at least 2 points"

# --- search families, constraints, frontiers, threads
run 0 plan --help
has "$tmp/out" "--search"
has "$tmp/out" "--max-passes"
has "$tmp/out" "--max-unique"
has "$tmp/out" "--weight-bounds"
has "$tmp/out" "--threads"
run 0 plan --budget 32M,128M,640M
has "$tmp/out" "search: topk, subsets, threshold, mixture; constraints: none"
has "$tmp/out" "overall best:"
run 0 plan --budget 640M --format json
has "$tmp/out" '"families":{"topk":{"family":"topk","strategy":"top-2"'
has "$tmp/out" '"mixture_search":{"algorithm":'
run 0 plan --budget 640M --search topk,threshold --format json
has "$tmp/out" '"search":{"families":["topk","threshold"]'
if grep -qF '"mixture":{"family"' "$tmp/out"; then bad "mixture reported though not searched"; else ok; fi
run 0 plan --budgets 10M:10B:8 --format json --threads 1
has "$tmp/out" '"frontier":{"topk":[{"from":10000000,'
cp "$tmp/out" "$tmp/threads1.json"
run 0 plan --budgets 10M:10B:8 --format json --threads 2
if cmp -s "$tmp/out" "$tmp/threads1.json"; then ok; else bad "--threads 1 and 2 differ"; fi
run 0 plan --budgets 10M:10B:8 --format json --threads 2
if cmp -s "$tmp/out" "$tmp/threads1.json"; then ok; else bad "two runs differ"; fi
run 0 plan --budgets 10M:10B:8
has "$tmp/out" "frontier (each family's best by budget interval"
run 0 plan --budget 640M --max-passes 20 --max-unique 50M --weight-bounds "top 30-40%=:0.1" --format json
has "$tmp/out" '"constraints":{"max_passes":20,"max_unique":50000000,"weight_bounds":[{"pool":"top 30-40%","min":0,"max":0.1}]}'
run 0 plan --budget 640M --max-passes 20
has "$tmp/out" "x breaks a constraint"
run 2 plan --budget 640M --search mixtures
one_line_error "--search: 'mixtures' is not a search family (did you mean 'mixture'?)"
run 2 plan --budget 640M --max-passes 0.5
one_line_error "--max-passes must be a number >= 1"
run 2 plan --budget 640M --max-unique 12X
one_line_error "--max-unique: '12X' is not a sample count"
run 2 plan --budget 640M --weight-bounds "top 0-1%=0.1:0.2"
one_line_error "--weight-bounds: no pool named 'top 0-1%' (did you mean 'top 0-10%'?)"
run 2 plan --budget 640M --min-weight 0.3
one_line_error "the lower bounds (--min-weight, --weight-bounds) sum to 1.2 > 1"
run 2 plan --budget 1B --max-passes 10
one_line_error "no strategy meets --max-passes 10 at budget 1B: it needs at least 100M unique samples, but the pools hold only 51.2M"
run 2 plan --budget 640M --search topk --weight-bounds "top 30-40%=0.3:"
one_line_error "no strategy of the searched families (topk) meets the constraints (top 30-40%=0.3:1) at budget 640M; --search mixture may find one"
run 2 plan --budget 640M --threads 0
one_line_error "--threads must be in [1, 256], got 0"
run 0 plan --config "$src/tests/data/pools-8.yaml" --budget 640M --search subsets --format csv
has "$tmp/out" ",true,true,subsets"

# --- Markdown reports
run 0 plan --budget 32M,640M --format markdown --search topk
has "$tmp/out" "### Predicted ImageNet zero-shot error"
has "$tmp/out" "| budget | best_level | label | error | acc % | passes | unique | runner-up | margin | pareto |"
has "$tmp/out" "| 640M | top-2 | top 20% | 0.614475 | 38.55 |"
has "$tmp/out" "**crossovers (the best level changes)**"
run 0 predict --budget 640M --format md
has "$tmp/out" "| budget | error | acc % | passes | unique |"

# --- predict
run 0 predict --fractions 1,1,0.5,0 --weights 0.5,0.3,0.2,0 --budget 128M --format csv
has "$tmp/out" "budget,error,accuracy,passes,unique_samples"
has "$tmp/out" "128000000,"
run 0 predict --budget 640M --format json
has "$tmp/out" '"predictions":[{"budget":640000000,"error":'
run 2 predict --weights 0.5,0.6,0,0 --budget 1M
one_line_error "weights must sum to 1"
run 2 predict --fractions 1,x --budget 1M
one_line_error "--fractions: 'x' is not a finite number"
run 2 predict --fractions 1,1,1,1,1 --budget 1M
one_line_error "--fractions: 5 values given but the config has 4 pools"
# Shorter lists leave the pools past them out: 1,1,0.5 == 1,1,0.5,0.
run 0 predict --fractions 1,1,0.5 --weights 0.5,0.3,0.2 --budget 128M --format csv
cp "$tmp/out" "$tmp/short.csv"
run 0 predict --fractions 1,1,0.5,0 --weights 0.5,0.3,0.2,0 --budget 128M --format csv
if cmp -s "$tmp/out" "$tmp/short.csv"; then ok; else bad "short lists differ from padded ones"; fi

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
