#!/usr/bin/env bash
# End-to-end tests of metric kinds (docs/config.md "The metric"): a loss config through predict,
# plan, fit, validate and plot in every format with no accuracy anywhere; budgets in FLOPs; built-in
# configs by name; and the input errors. Usage: metric_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A loss config whose predictions are hand-computable: the power law y = (a n / N0)^b + d with
# a = 1, N0 = 1e9, b = -0.5, d = 2: y(1B) = 1 + 2 = 3, y(4B) = 0.5 + 2 = 2.5, y(16B) = 2.25.
cat >"$tmp/loss.yaml" <<'YAML'
law: power
normalizer: 1e9
a: 1
d: 2
metric: {name: test loss, kind: loss}
pools:
  - {name: web, size: 1B, b: -0.5, tau: 5}
YAML
sed -e 's/^metric: .*/metric: {name: test loss, kind: loss}\nmodel_params: 1B/' "$tmp/loss.yaml" >"$tmp/loss-n.yaml"

# --- predict: the value in the metric's units, no accuracy, every format
run 0 predict --config "$tmp/loss.yaml" --budget 1B,4B,16B
has "$tmp/out" "metric: test loss"
has_row "$tmp/out" budget loss
has "$tmp/out" "3.000000"
has "$tmp/out" "2.500000"
has "$tmp/out" "2.250000"
lacks "$tmp/out" "acc"
lacks "$tmp/err" "not meaningful"
run 0 predict --config "$tmp/loss.yaml" --budget 4B --format json
has "$tmp/out" '"metric":{"name":"test loss","kind":"loss"}'
has "$tmp/out" '{"budget":4000000000,"error":2.5,"passes":4}'
lacks "$tmp/out" "accuracy"
run 0 predict --config "$tmp/loss.yaml" --budget 4B --format csv
has "$tmp/out" "budget,error,passes,unique_samples"
has "$tmp/out" "4000000000,2.5,4,1000000000"
lacks "$tmp/out" "accuracy"
run 0 predict --config "$tmp/loss.yaml" --budget 4B --format markdown
has "$tmp/out" "| loss"
lacks "$tmp/out" "acc"
# an error-rate config keeps its accuracy
run 0 predict --budget 32M
has "$tmp/out" "acc %"
run 0 predict --budget 32M --format csv
has "$tmp/out" "budget,error,accuracy,passes,unique_samples"

# --- plan: no accuracy and no "error of 1 or more" warning for a loss of 2.5
run 0 plan --config "$tmp/loss.yaml" --budget 1B,4B
has "$tmp/out" "2.500000"
lacks "$tmp/out" "acc"
lacks "$tmp/err" "error of 1 or more"
run 0 plan --config "$tmp/loss.yaml" --budget 1B,4B --format markdown
lacks "$tmp/out" "acc"
run 0 plan --config "$tmp/loss.yaml" --budget 4B --format csv
has "$tmp/out" "budget,strategy,label,pools,fractions,weights,unique_samples,passes,error,pareto,best,feasible,row,best_level,"
has "$tmp/out" ",4,2.5,true,false,true,level,true,4,4,"
lacks "$tmp/out" "accuracy"
run 0 plan --config "$tmp/loss.yaml" --budget 4B --format json --output "$tmp/base.json"
has "$tmp/base.json" '"metric":{"name":"test loss","kind":"loss"}'
has "$tmp/base.json" '"error":2.5'
lacks "$tmp/base.json" "accuracy"
# --expect compares the value: the same config passes, d = 2.1 moves the loss 2.5 -> 2.6 (exit 3)
run 0 plan --config "$tmp/loss.yaml" --budget 4B --expect "$tmp/base.json"
sed 's/^d: 2$/d: 2.1/' "$tmp/loss.yaml" >"$tmp/loss-moved.yaml"
run 3 plan --config "$tmp/loss-moved.yaml" --budget 4B --expect "$tmp/base.json"
has "$tmp/err" "worsened from 2.5 to 2.6"
# an error-rate config above 1 still warns
sed -e 's/^metric: .*/metric: error/' "$tmp/loss.yaml" >"$tmp/rate.yaml"
run 0 plan --config "$tmp/rate.yaml" --budget 4B
has "$tmp/err" "error of 1 or more"
has "$tmp/out" "acc %"

# --- fit and validate a loss column: d = 2 > 1 is recovered (the bound follows the kind)
{
  echo "pool,samples_seen,loss"
  "$qqt" predict --config "$tmp/loss.yaml" --budget 1B,2B,4B,8B,16B,32B --format csv | awk -F, 'NR > 1 { print "web," $1 "," $2 }'
} >"$tmp/runs.csv"
sed -e '/^a:/d' -e '/^d:/d' -e 's/, b: -0.5//' "$tmp/loss.yaml" >"$tmp/start.yaml"
run 0 fit --config "$tmp/start.yaml" --observations "$tmp/runs.csv" --output "$tmp/fitted.yaml"
has "$tmp/fitted.yaml" "metric: {name: \"test loss\", kind: loss}"
d=$(sed -n 's/^d: //p' "$tmp/fitted.yaml")
if awk -v d="$d" 'BEGIN { exit !(d > 1.999999 && d < 2.000001) }'; then ok; else bad "fitted d is '$d', want 2"; fi
run 0 validate --config "$tmp/fitted.yaml" --observations "$tmp/runs.csv" --format json
has "$tmp/out" '"metric":{"name":"test loss","kind":"loss","column":"loss"}'
run 0 validate --config "$tmp/fitted.yaml" --observations "$tmp/runs.csv"
has "$tmp/out" "observed loss"
lacks "$tmp/out" "accuracy"
run 0 validate --config "$tmp/fitted.yaml" --observations "$tmp/runs.csv" --format csv
has "$tmp/out" "pool,samples_seen,observed,predicted,residual"

# --- plot: the y axis is the metric's name
run 0 plot curves --config "$tmp/loss.yaml" --output "$tmp/c.svg" --script
has "$tmp/out" "set ylabel 'test loss'"
lacks "$tmp/out" "accuracy"
run 0 plot fit --config "$tmp/fitted.yaml" --observations "$tmp/runs.csv" --output "$tmp/f.svg" --script
has "$tmp/out" "set ylabel 'test loss'"

# --- input errors: one line naming both kinds, the file:line:col of a bad kind
run 2 fit --config "$tmp/start.yaml" --observations <(printf 'pool,samples_seen,error\nweb,1B,0.5\n') --output "$tmp/x.yaml"
one_line_error "column 'error' is for metric kind error-rate, but the config's metric 'test loss' has kind loss (give loss)"
run 2 validate --config "$tmp/rate.yaml" --observations "$tmp/runs.csv"
one_line_error "column 'loss' is for metric kind loss, but the config's metric 'error' has kind error-rate (give error or accuracy)"
sed 's/kind: loss/kind: los/' "$tmp/loss.yaml" >"$tmp/badkind.yaml"
run 2 predict --config "$tmp/badkind.yaml" --budget 1B
one_line_error "badkind.yaml:5:33: metric.kind must be one of error-rate, loss, got 'los' (did you mean 'loss'?)"
run 2 fit --config "$tmp/start.yaml" --observations <(printf 'pool,samples_seen,loss\nweb,1B,0\n')
one_line_error ":2:8: loss must be positive (a loss; lower is better), got '0'"
if [[ ! -e "$tmp/x.yaml" ]]; then ok; else bad "a failed fit wrote its output"; fi

# --- budgets in FLOPs: C = 6 N D. N = 1B: 2.4e19 FLOPs = 4B tokens, loss 2.5; --model-params 2B
# (wins over the config): 2B tokens, loss (2)^-0.5 + 2 = 2.707107.
run 0 predict --config "$tmp/loss-n.yaml" --budget 2.4e19flops
has "$tmp/out" "FLOPs"
has "$tmp/out" "2.4e+19"
has "$tmp/out" "2.500000"
run 0 predict --config "$tmp/loss-n.yaml" --budget 2.4e19flops --model-params 2B
has "$tmp/out" "2.707107"
run 0 predict --config "$tmp/loss.yaml" --budget 2.4e19flops,4B --model-params 1B --format json
has "$tmp/out" '"flops":'
has "$tmp/out" '"model_params":1000000000'
has "$tmp/out" '{"budget":4000000000,"flops":2.4e+19,"error":2.5,"passes":4}'
run 0 plan --config "$tmp/loss-n.yaml" --budgets 6e18flops:2.4e19flops:3 --search topk
has "$tmp/out" "FLOPs"
has "$tmp/out" "2B "
run 2 predict --config "$tmp/loss.yaml" --budget 3e21flops
one_line_error "--budget item 1: '3e21flops' is a compute budget; give the model size (model_params in the config or --model-params, e.g. 1.1B)"
run 2 predict --config "$tmp/loss.yaml" --budget 1B --model-params big
one_line_error "--model-params: 'big' is not a sample count"

# --- built-in configs by name
run 0 configs
has_row "$tmp/out" datacomp-medium-tmars-imagenet "[default]"
has "$tmp/out" "c4-2.8b"
run 0 configs --show c4-2.8b
has "$tmp/out" "metric: {name: C4 validation loss, kind: loss}"
run 0 plan --config builtin:c4-2.8b --budget 1e21flops --search topk
has "$tmp/out" "config: built-in:c4-2.8b.yaml"
has_row "$tmp/out" budget FLOPs best_level
lacks "$tmp/out" "acc"
run 2 plan --config builtin:c4-2.8 --budget 55B
one_line_error "--config builtin:c4-2.8: no such built-in config (did you mean 'c4-2.8b'?"

printf 'metric cli: %d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
