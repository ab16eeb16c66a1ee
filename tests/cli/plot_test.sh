#!/usr/bin/env bash
# qqt plot from the command line (issue 15, "Figures"): print sizes keep type of 7 pt or more, the
# y axis in accuracy, held-out runs as open symbols, runs in the colour of their own curve, and the
# fit plot's title saying what is plotted.
# Usage: plot_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v gnuplot >/dev/null || { echo "plot_test: gnuplot is missing" >&2; exit 1; }

# pdf_type_sizes FILE: the type sizes (points) of the text drawn in a PDF by cairo (the scale of
# each text matrix "S 0 0 -S x y Tm" in the deflated content streams), one per line.
pdf_type_sizes() {
  python3 - "$1" <<'PY'
import re, sys, zlib
data = open(sys.argv[1], "rb").read()
sizes = set()
for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
    try:
        text = zlib.decompress(stream.group(1))
    except zlib.error:
        continue
    sizes.update(float(s) for s in re.findall(rb"([0-9.]+) 0 0 -?[0-9.]+ [-0-9.]+ [-0-9.]+ Tm", text))
for s in sorted(sizes):
    print(s)
PY
}

# --- sizes: every text of a column-size and a page-size PDF is at least 7 pt (the default PDF is
# the page size: 9 x 5.6 in with 6 pt type before)
if command -v python3 >/dev/null; then
  for size in column page default; do
    args=(plot curves --search threshold --output "$tmp/$size.pdf")
    [[ $size != default ]] && args+=(--size "$size")
    run 0 "${args[@]}"
    sizes="$(pdf_type_sizes "$tmp/$size.pdf")"
    if [[ -n "$sizes" ]] && awk '$1 < 7 { bad = 1 } END { exit bad }' <<<"$sizes"; then ok
    else bad "$size.pdf has type below 7 pt: $(tr '\n' ' ' <<<"$sizes")"; fi
  done
else
  echo "plot_test: python3 is missing, PDF type sizes not checked" >&2
fi
run 0 plot utility --size 4x3 --output "$tmp/u.png" --script
has "$tmp/out" "set terminal pngcairo size 800,600"
run 2 plot curves --size wide --output "$tmp/x.svg"
one_line_error "--size: 'wide' is not a size"
run 2 plot curves --size column --width 800 --output "$tmp/x.svg"
one_line_error "give --size or --width/--height, not both"

# --- the y axis: clipped to [0, 1]; accuracy on request, named after the metric
run 0 plot curves --budgets 1M:1B:20 --output "$tmp/c.svg" --script
yrange="$(sed -n 's/^set yrange \[\(.*\):\(.*\)\]$/\1 \2/p' "$tmp/out")"
if awk '{ exit !($1 >= 0 && $2 <= 1 && $1 < $2) }' <<<"$yrange"; then ok; else bad "y range '$yrange' is not inside [0, 1]"; fi
run 0 plot curves --y accuracy --output "$tmp/acc.svg"
has "$tmp/acc.svg" "ImageNet zero-shot accuracy"
run 2 plot curves --y loss --output "$tmp/x.svg"
one_line_error "--y: 'loss' is not a y measure"

# --- fit: the title names the files and says the built-in config was never fitted; held-out runs
# are open circles (pt 6), the training runs filled (pt 7)
cat >"$tmp/train.csv" <<'CSV'
pool,samples_seen,error
top 0-10%,25.6M,0.8
top 0-10%,51.2M,0.75
CSV
cat >"$tmp/holdout.csv" <<'CSV'
pool,samples_seen,error
top 0-10%,128M,0.7
top 10-20%,128M,0.74
CSV
run 0 plot fit --observations "$tmp/train.csv" --holdout "$tmp/holdout.csv" --output "$tmp/fit.svg"
has "$tmp/fit.svg" "filled: 2 runs of train.csv; open: 2 runs held out, of holdout.csv"
has "$tmp/fit.svg" "config: no fit: block"
run 0 plot fit --observations "$tmp/train.csv" --holdout "$tmp/holdout.csv" --output "$tmp/fit.svg" --script
if [[ $(grep -c 'with points pt 6 ' "$tmp/out") -eq 2 && $(grep -c 'with points pt 7 ' "$tmp/out") -eq 1 ]]; then ok
else bad "want 2 open and 1 filled point series: $(grep 'with points' "$tmp/out")"; fi
run 2 plot curves --holdout "$tmp/holdout.csv" --output "$tmp/x.svg"
one_line_error "--holdout applies to plot fit only"

# --- runs of pools that are no top-k level sit on their own dashed curve, in its colour
cat >"$tmp/laion.yaml" <<'YAML'
law: utility
a: 0.02
d: 0.05
normalizer: 1e5
metric: ImageNet zero-shot top-1 error
pools:
  - {name: LAION-80M, size: 80M, b: -0.1, tau: 4}
  - {name: LAION-400M, size: 400M, b: -0.1, tau: 20}
  - {name: LAION-2B, size: 2.32B, b: -0.1, tau: 116}
YAML
cat >"$tmp/laion.csv" <<'CSV'
pool,samples_seen,accuracy
LAION-80M,3B,0.5
LAION-400M,13B,0.67
LAION-2B,13B,0.62
LAION-400M+LAION-2B,34B,0.7
CSV
run 0 plot curves --config "$tmp/laion.yaml" --observations "$tmp/laion.csv" --output "$tmp/l.svg" --script
line_colors="$(grep -o 'with lines lw [0-9.]* lc rgb "#[0-9A-F]*"' "$tmp/out" | grep -o '#[0-9A-F]*' | sort -u)"
point_colors="$(grep -o 'with points pt 7 ps [0-9.]* lc rgb "#[0-9A-F]*"' "$tmp/out" | grep -o '#[0-9A-F]*' | sort -u)"
if [[ $(wc -l <<<"$point_colors") -eq 4 ]] && [[ -z "$(comm -23 <(echo "$point_colors") <(echo "$line_colors"))" ]]; then ok
else bad "point colours [$point_colors] not all among line colours [$line_colors]"; fi
if [[ $(grep -c ' dt 2 ' "$tmp/out") -eq 3 ]]; then ok; else bad "want 3 dashed curves (400M, 2B, 400M+2B)"; fi

echo "plot_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
