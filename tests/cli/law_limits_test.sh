#!/usr/bin/env bash
# The law at the edges of what a config accepts (issues 9 and 10): every command either answers with
# finite numbers or stops with one clean error line; the search kernel and `predict` never disagree
# on whether a config can be evaluated, and no "nan" or "inf" reaches the output.
# Usage: law_limits_test.sh PATH/TO/qqt PATH/TO/REPO
qqt="$1"
repo="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

default="$repo/configs/datacomp-medium-tmars-imagenet.yaml"
# A non-finite number as printed by fmt/printf ("nan", "-nan", "inf", "-inf"), not a word like "infeasible".
no_nonfinite() {
  if grep -Eiq '(^|[^a-z])-?(nan|inf)([^a-z]|$)' "$tmp/out" "$tmp/err"; then
    bad "non-finite number in the output: $(grep -Eih '(^|[^a-z])-?(nan|inf)([^a-z]|$)' "$tmp/out" "$tmp/err" | head -2)"
  else ok; fi
}

# tau_scaling 110: small kept sizes make tau_hat = tau (U/S)^110 underflow. `plan --search` used to
# end in "internal error: PrefixWalker: lambda must be finite" while predict capped the rate.
sed 's/^tau_scaling: 1$/tau_scaling: 110/' "$default" >"$tmp/t110.yaml"
has "$tmp/t110.yaml" "tau_scaling: 110"
for search in threshold subsets mixture topk,threshold,subsets,mixture; do
  run 0 plan --config "$tmp/t110.yaml" --budget 32M,640M --search "$search"
  no_nonfinite
done
run 0 predict --config "$tmp/t110.yaml" --budget 640M --fractions 1e-3
no_nonfinite

echo "law_limits_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
