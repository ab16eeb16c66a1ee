#!/usr/bin/env bash
# End-to-end tests of issue 14's output guarantees: byte-identical output for any --threads, and the
# streamed CSV of long sweeps (pieces of kPlanPieceBudgets = 8192 budgets) equal to one piece's rows,
# with one header, to stdout and to a file alike. Usage: perf_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
same() { if cmp -s "$1" "$2"; then ok; else bad "$1 and $2 differ: $(diff "$1" "$2" | head -4)"; fi; }

# Every family (the mixture searches budgets on worker threads), JSON with frontiers and CSV.
for format in json csv; do
  for threads in 1 2 3; do
    run 0 plan --config "$src/tests/data/pools-8.yaml" --budgets 10M:10B:7 --format "$format" --threads "$threads"
    cp "$tmp/out" "$tmp/$format-$threads"
  done
  same "$tmp/$format-1" "$tmp/$format-2"
  same "$tmp/$format-1" "$tmp/$format-3"
done

# A sweep over three pieces (20,000 budgets): one header, five rows per budget (four levels and the
# topk family's best), budgets in the given order, the same bytes to a file, for any --threads.
run 0 plan --budgets 1M:100B:20000 --format csv --search topk --threads 2
cp "$tmp/out" "$tmp/sweep.csv"
lines=$(wc -l <"$tmp/sweep.csv")
if [[ $lines -eq 100001 ]]; then ok; else bad "streamed CSV has $lines lines, want 100001"; fi
headers=$(grep -c '^budget,' "$tmp/sweep.csv")
if [[ $headers -eq 1 ]]; then ok; else bad "streamed CSV has $headers header lines, want 1"; fi
if awk -F, 'NR > 1 { if ($1 + 0 < last) exit 1; last = $1 + 0 }' "$tmp/sweep.csv"; then ok; else bad "streamed CSV budgets not ascending"; fi
run 0 plan --budgets 1M:100B:20000 --format csv --search topk --threads 1 --output "$tmp/sweep-file.csv"
same "$tmp/sweep.csv" "$tmp/sweep-file.csv"
# The rows of the last piece equal those of a run over just its budgets? Its first budget is the
# 16,385th: compare the rows of one budget in both (same budget value, same five rows).
budget=$(awk -F, 'NR == 1 + 16384 * 5 + 1 { print $1 }' "$tmp/sweep.csv")
run 0 plan --budget "$budget" --format csv --search topk
grep "^$budget," "$tmp/sweep.csv" >"$tmp/piece-rows"
tail -n +2 "$tmp/out" >"$tmp/alone-rows"
same "$tmp/piece-rows" "$tmp/alone-rows"

echo "perf cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
