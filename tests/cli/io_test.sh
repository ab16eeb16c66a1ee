#!/usr/bin/env bash
# How each --output target is written (docs/reliability.md "Outputs"): a regular file atomically,
# a symlink at its target's real path (the link stays), a character device or FIFO written
# through (never replaced by a regular file); inputs: a FIFO without a writer is an error, not a
# hang; /dev/zero is refused at the input limit; debris of a killed run is removed.
# Usage: io_test.sh PATH/TO/qqt
qqt="$1"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A FIFO as --output: the plan arrives through it and the FIFO stays a FIFO.
mkfifo "$tmp/out.fifo"
timeout 30 cat "$tmp/out.fifo" >"$tmp/from-fifo" &  # bounded: a replaced FIFO has no writer
reader=$!
run 0 plan --budget 640M --format csv --output "$tmp/out.fifo"
wait "$reader"
has "$tmp/from-fifo" "budget,strategy,label"
if [[ -p "$tmp/out.fifo" ]]; then ok; else bad "the FIFO was replaced"; fi
ls -a "$tmp" >"$tmp/listing"
lacks "$tmp/listing" "qqt-tmp"

# A symlink as --output: the target gets the plan, the link stays a link.
echo old >"$tmp/real.csv"
ln -s real.csv "$tmp/link.csv"
run 0 plan --budget 640M --format csv --output "$tmp/link.csv"
if [[ -L "$tmp/link.csv" && "$(readlink "$tmp/link.csv")" == real.csv ]]; then ok; else bad "the symlink was replaced"; fi
has "$tmp/real.csv" "budget,strategy,label"

# /dev/null: written through; it must still be a character device afterwards.
run 0 plan --budget 640M --output /dev/null
if [[ -c /dev/null ]]; then ok; else bad "/dev/null is no longer a character device"; fi

# A FIFO as --config with nobody writing: one line, exit 2, promptly (it used to block forever).
mkfifo "$tmp/config.fifo"
timeout 10 "$qqt" plan --config "$tmp/config.fifo" --budget 640M >"$tmp/out" 2>"$tmp/err" </dev/null
code=$?
if [[ $code -eq 2 ]]; then ok; else bad "FIFO config without writer exited $code (124 = hung)"; fi
one_line_error "nothing was written to the FIFO"
# With its writer running (process substitution), a pipe reads as usual.
run 0 plan --config <(cat "$(dirname "${BASH_SOURCE[0]}")/../../configs/datacomp-medium-tmars-imagenet.yaml") --budget 640M

# /dev/zero as --config: refused at the input limit instead of reading forever.
timeout 20 "$qqt" plan --config /dev/zero --budget 640M >"$tmp/out" 2>"$tmp/err" </dev/null
code=$?
if [[ $code -eq 2 ]]; then ok; else bad "--config /dev/zero exited $code"; fi
one_line_error "input limit of 64 MiB"

# A temporary file left by a run killed with SIGKILL (its process is gone) is removed by the next
# run writing the same output; one of a live process is left alone.
sh -c 'exit 0' &
dead=$!
wait "$dead"
touch "$tmp/.plan.json.qqt-tmp-$dead-AbC123" "$tmp/.plan.json.qqt-tmp-$$-AbC123"
run 0 plan --budget 640M --format json --output "$tmp/plan.json"
if [[ ! -e "$tmp/.plan.json.qqt-tmp-$dead-AbC123" ]]; then ok; else bad "stale temporary file of pid $dead kept"; fi
if [[ -e "$tmp/.plan.json.qqt-tmp-$$-AbC123" ]]; then ok; else bad "a live process's temporary file was removed"; fi

echo "io_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
