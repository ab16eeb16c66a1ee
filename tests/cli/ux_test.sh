#!/usr/bin/env bash
# What a new user trips over (issue 15 "Command line"): typos get a "did you mean", global flags
# work after the command, each command's help is its own, and inputs that are accepted but wrong
# get an error or a warning. Usage: ux_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- typos: a command and an option
run 2 plna --budget 640M
one_line_error "'plna' is not a command (did you mean 'plan'?)"
run 2 frobnicate
one_line_error "'frobnicate' is not a command; the commands are plan, predict, plot, fit, validate"
printf 'pool,samples_seen,error\ntop 0-10%%,25.6M,0.8\n' >"$tmp/runs.csv"
run 2 validate --config "$src/configs/datacomp-medium-tmars-imagenet.yaml" --observation "$tmp/runs.csv"
one_line_error "qqt validate: unknown option '--observation' (did you mean '--observations'?)"
run 2 plan --budegt 640M
one_line_error "unknown option '--budegt' (did you mean '--budget'?)"

# --- -q and -v before or after the command
run 2 plan --budget 640M --frobnicate
has "$tmp/err" "unknown option '--frobnicate'"
run 0 plan --budget 640M -q
run 0 plan --budget 640M -v
has "$tmp/err" "qqt: info: using the built-in config"
run 0 -v plan --budget 640M
has "$tmp/err" "qqt: info: using the built-in config"
run 0 predict --budget 1M -q
if [[ ! -s "$tmp/err" ]]; then ok; else bad "predict -q printed: $(cat "$tmp/err")"; fi

# --- each command's help: its own examples and options only
for cmd in plan predict plot fit validate; do
  run 0 "$cmd" --help
  has "$tmp/out" "qqt $cmd "
  for other in plan predict plot fit validate; do
    [[ $other == "$cmd" ]] && continue
    lacks "$tmp/out" "  qqt $other "
  done
done
run 0 predict --help
lacks "$tmp/out" "(plan:"
lacks "$tmp/out" "frontier"

# --- accepted but wrong: below the law's range in predict (as in plan), a gate that cannot fail
run 0 plan --budget 1M --search topk
has "$tmp/err" "qqt: warning: budget 1M: every strategy predicts an error of 1 or more"
run 0 predict --budget 1M
has "$tmp/err" "qqt: warning: budget 1M: the strategy predicts an error of 1 or more"
run 0 predict --budget 640M
lacks "$tmp/err" "warning"
run 0 validate --config "$src/configs/datacomp-medium-tmars-imagenet.yaml" --observations "$tmp/runs.csv" --max-mae 1
has "$tmp/err" "qqt: warning: --max-mae 1 cannot fail: the error is a fraction in [0, 1]"
run 0 validate --config "$src/configs/datacomp-medium-tmars-imagenet.yaml" --observations "$tmp/runs.csv" --max-mae 0.5
lacks "$tmp/err" "cannot fail"

# --- shares above 1 in total: one input error naming the pools
printf 'a: 0.025\nd: 0.1\npools:\n  - {name: x, size: 1M, share: 0.6, b: -0.1, tau: 2}\n  - {name: y, size: 1M, share: 0.6, b: -0.1, tau: 2}\n' >"$tmp/shares.yaml"
run 2 plan --config "$tmp/shares.yaml" --budget 1M
one_line_error "pools[1].share makes the shares sum to 1.2 > 1 ('x' 0.6 + 'y' 0.6)"
has "$tmp/err" "shares.yaml:5:"
printf 'a: 0.025\nd: 0.1\npools:\n' >"$tmp/tenths.yaml"
for i in 0 1 2 3 4 5 6 7 8 9; do printf '  - {name: p%d, size: 1M, share: 0.1, b: -0.1, tau: 2}\n' "$i" >>"$tmp/tenths.yaml"; done
run 0 plan --config "$tmp/tenths.yaml" --budget 100M --search topk

# --- which form of d the utility law uses, said in the plan and predict headers (docs/config.md)
printf 'a: 0.025\nd: 0.1\npools:\n  - {name: x, size: 1M, b: -0.1, tau: 2}\n' >"$tmp/plain.yaml"
run 0 plan --config "$tmp/plain.yaml" --budget 10M
has "$tmp/out" "(utility law, irreducible outside)"
has "$tmp/out" "outside is the default, as this config does not set irreducible"
run 0 predict --config "$tmp/plain.yaml" --budget 10M --format markdown
has "$tmp/out" "outside is the default, as this config does not set irreducible"
printf 'irreducible: inside\n' | cat - "$tmp/plain.yaml" >"$tmp/inside.yaml"
run 0 plan --config "$tmp/inside.yaml" --budget 10M
has "$tmp/out" "irreducible inside: d shrinks with repetition"
lacks "$tmp/out" "is the default"
printf 'irreducible: outside\n' | cat - "$tmp/plain.yaml" >"$tmp/outside.yaml"
run 0 plan --config "$tmp/outside.yaml" --budget 10M
has "$tmp/out" "irreducible outside: d stays fixed"
lacks "$tmp/out" "is the default"
printf 'law: power\n' | cat - "$tmp/plain.yaml" >"$tmp/power.yaml"
run 0 plan --config "$tmp/power.yaml" --budget 10M
lacks "$tmp/out" "irreducible"

echo "ux: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
