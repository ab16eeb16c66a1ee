#!/usr/bin/env bash
# qqt plan --expect (issue 15, "CI regression check"): findings say the direction, budgets the run
# no longer has are a regression, and other search settings are named as such, not as a changed
# best strategy; a config change is named before the findings it explains.
# Usage: expect_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
config="$src/configs/datacomp-medium-tmars-imagenet.yaml"

run 0 plan --config "$config" --budget 32M,640M --search topk --format json --output "$tmp/base.json"
run 0 plan --config "$config" --budget 32M,640M --search topk --expect "$tmp/base.json"

# Direction: a more useful top 10-20% bucket (b -0.125 -> -0.13) improves top-2 at 640M; a less
# useful one (-0.12) worsens it. The config's change is named first.
sed 's/b: -0.125/b: -0.13/' "$config" >"$tmp/better.yaml"
sed 's/b: -0.125/b: -0.12/' "$config" >"$tmp/worse.yaml"
run 3 plan --config "$tmp/better.yaml" --budget 32M,640M --search topk --expect "$tmp/base.json"
has "$tmp/err" "qqt: regression: budget 640M (640000000): error of top-2 improved from "
if head -1 "$tmp/err" | grep -qF "qqt: regression: config differs from the baseline: config.pools[top 10-20%].b: -0.125 in the baseline, -0.13 in this run"
then ok; else bad "the config change is not named first: $(head -1 "$tmp/err")"; fi
run 3 plan --config "$tmp/worse.yaml" --budget 32M,640M --search topk --expect "$tmp/base.json"
has "$tmp/err" "qqt: regression: budget 640M (640000000): error of top-2 worsened from "
# Within the tolerance, a config change alone passes.
run 0 plan --config "$tmp/better.yaml" --budget 32M,640M --search topk --expect "$tmp/base.json" --tolerance 0.1

# A budget of the baseline that the run no longer has.
run 3 plan --config "$config" --budget 32M --search topk --expect "$tmp/base.json"
has "$tmp/err" "qqt: regression: budget 640M (640000000): in the baseline but not in this run (best there: top-2)"

# Other search families: named as such, no "best strategy changed".
run 3 plan --config "$config" --budget 32M,640M --search topk,threshold --expect "$tmp/base.json"
has "$tmp/err" "qqt: regression: search settings differ from the baseline: search.families: topk in the baseline, topk,threshold in this run"
lacks "$tmp/err" "best strategy changed"
# Other constraints.
run 3 plan --config "$config" --budget 32M,640M --search topk --max-passes 20 --expect "$tmp/base.json"
has "$tmp/err" "search.constraints.max_passes: null in the baseline, 20 in this run"

# The baseline is read before the work: a bad one fails at once, whatever else is wrong.
echo '{"schema": 1, "budgets": 3}' >"$tmp/bad.json"
run 2 plan --config "$config" --budgets 1M:1T:2000 --expect "$tmp/bad.json"
one_line_error "budgets must be a list"

echo "expect_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
