#!/usr/bin/env bash
# Standard streams and input order (issue 10 points 3, 4, 9): a failed write to stdout is exit 1
# with one line, an unwritable or closed stderr never crashes the error printer, --expect is read
# before the work, at most one input reads stdin, and --seed refuses negatives.
# Usage: streams_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# code_is WANT GOT WHAT
code_is() { if [[ $2 -eq $1 ]]; then ok; else bad "$3: exit $2, want $1; stderr: $(head -3 "$tmp/err")"; fi; }

# --- stdout that cannot be written: exit 1, one line, for every output format and command
for format in table json csv markdown; do
  "$qqt" plan --budget 32M,640M --format "$format" >/dev/full 2>"$tmp/err" </dev/null
  code_is 1 $? "plan --format $format >/dev/full"
  one_line_error "cannot write to standard output"
done
"$qqt" predict --budget 640M --format csv >/dev/full 2>"$tmp/err" </dev/null
code_is 1 $? "predict >/dev/full"
one_line_error "cannot write to standard output"
"$qqt" plot curves --output "$tmp/c.svg" --script >/dev/full 2>"$tmp/err" </dev/null
code_is 1 $? "plot --script >/dev/full"
one_line_error "cannot write to standard output"
"$qqt" --help >/dev/full 2>"$tmp/err" </dev/null
code_is 1 $? "--help >/dev/full"
# a closed stdout is a write error too, not a silent success
"$qqt" plan --budget 640M >&- 2>"$tmp/err" </dev/null
code_is 1 $? "plan >&-"
one_line_error "cannot write to standard output"
# A long CSV cut part-way by a full disk (here a 64 KiB file-size limit, SIGXFSZ ignored): exit 1,
# never 0 with half a row.
(ulimit -f 64; trap '' XFSZ; "$qqt" plan --budgets 10M:1T:1000 --format csv --search topk >"$tmp/cut.csv" 2>"$tmp/err" </dev/null)
code_is 1 $? "plan CSV cut by a file-size limit"
one_line_error "cannot write to standard output"

# --- stderr that cannot be written: the error printer never throws, the exit code stays right
"$qqt" plan --budget 0 2>/dev/full >/dev/null </dev/null
code_is 2 $? "plan --budget 0 2>/dev/full"
"$qqt" plan --budget 0 2>&- >/dev/null </dev/null
code_is 2 $? "plan --budget 0 2>&-"
"$qqt" plan --budget 640M >/dev/full 2>&- </dev/null
code_is 1 $? "plan >/dev/full 2>&-"
"$qqt" -v plan --budget 640M 2>/dev/full >"$tmp/out" </dev/null
code_is 0 $? "-v plan 2>/dev/full (log lines lost, results written)"
has "$tmp/out" "overall best:"

# --- --expect is read before the work: a missing baseline fails at once, and no output is written
run 2 plan --budget 32M,1B --max-passes 10 --expect "$tmp/missing.json"
one_line_error "missing.json: cannot open the baseline file"
run 2 plan --budget 640M --format json --output "$tmp/plan.json" --expect "$tmp/missing.json"
one_line_error "missing.json: cannot open the baseline file"
if [[ ! -e "$tmp/plan.json" ]]; then ok; else bad "--output written although --expect cannot be read"; fi
echo '{"schema": 2}' >"$tmp/bad.json"
run 2 plan --budget 32M,1B --max-passes 10 --expect "$tmp/bad.json"
one_line_error "schema must be 1"

# --- only one input may read standard input
printf 'pool,samples_seen,error\ntop 0-10%%,25.6M,0.8\n' >"$tmp/runs.csv"
for cmd in "fit" "validate" "plot fit --output $tmp/f.svg"; do
  # shellcheck disable=SC2086
  "$qqt" $cmd --config - --observations - <"$tmp/runs.csv" >"$tmp/out" 2>"$tmp/err"
  code_is 2 $? "$cmd --config - --observations -"
  one_line_error "--config - and --observations - cannot both read standard input"
done

# --- --seed is a whole number >= 0 (CLI11 alone turns -1 into 2^64 - 1)
run 2 plan --budget 640M --seed -1
one_line_error "--seed: must be a whole number in [0, 2^64 - 1], got '-1'"
run 2 fit --config "$src/configs/datacomp-medium-tmars-imagenet.yaml" --observations "$tmp/runs.csv" --seed -1
one_line_error "--seed: must be a whole number in [0, 2^64 - 1], got '-1'"
run 2 plan --budget 640M --seed 1.5
one_line_error "--seed: must be a whole number"
run 0 plan --budget 640M --seed 18446744073709551615 --format json
has "$tmp/out" '"seed":18446744073709551615'
run 0 plan --budget 640M --seed 7 --format json
has "$tmp/out" '"seed":7'

echo "streams: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
