#!/usr/bin/env bash
# Regenerates the images of docs/plots.md and the README with qqt itself: the built-in config's
# curves (with and without the search families), the pools' utility, and a fit to synthetic runs
# (the built-in config's predictions at 2-10 passes with 1% noise, fitted from pool sizes alone to
# the runs of 2-6 passes, with bootstrap bands; the runs of 8 and 10 passes held out). Every image
# is drawn at --size column (3.3 in wide, 8 pt type, PNG at 200 px per inch): what a paper gets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
qqt="${QQT_BUILD_DIR:-$root/build}/apps/qqt"
out="$root/docs/images"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
size=(--size column)

"$qqt" plot curves --output "$out/curves.png" "${size[@]}"
"$qqt" plot curves --search threshold,mixture --output "$out/curves-search.png" "${size[@]}"
"$qqt" plot utility --output "$out/utility.png" "${size[@]}"

# Synthetic runs: each pool alone and the top-2 union at 2, 4, ..., 10 passes, 1% noise (fixed seed).
{
  echo "pool,samples_seen,error"
  i=0
  for spec in "top 0-10%:1:12.8e6" "top 10-20%:0,1:12.8e6" "top 20-30%:0,0,1:12.8e6" "top 30-40%:0,0,0,1:12.8e6" \
              "top 0-10%+top 10-20%:1,1:25.6e6"; do
    IFS=: read -r name fractions unique <<<"$spec"
    for passes in 2 4 6 8 10; do
      n=$(awk -v p="$passes" -v u="$unique" 'BEGIN { printf "%.0f", p * u }')
      e=$("$qqt" predict --fractions "$fractions" --budget "$n" --format csv | tail -1 | cut -d, -f2)
      i=$((i + 1))
      awk -v e="$e" -v i="$i" -v name="$name" -v n="$n" 'BEGIN { srand(i); printf "%s,%s,%.5f\n", name, n, e * (1 + 0.02 * (rand() - 0.5)) }'
    done
  done
} >"$tmp/runs.csv"
# Runs of 2, 4 and 6 passes to fit; those of 8 and 10 passes held out.
{ head -1 "$tmp/runs.csv"; awk -F, 'NR > 1 && $2 / ($1 ~ /\+/ ? 25.6e6 : 12.8e6) <= 6.5' "$tmp/runs.csv"; } >"$tmp/train.csv"
{ head -1 "$tmp/runs.csv"; awk -F, 'NR > 1 && $2 / ($1 ~ /\+/ ? 25.6e6 : 12.8e6) > 6.5' "$tmp/runs.csv"; } >"$tmp/holdout.csv"
cat >"$tmp/pools.yaml" <<'YAML'
law: utility
irreducible: inside
metric: ImageNet zero-shot error
pools:
  - {name: "top 0-10%",  size: 12.8M, share: 0.1}
  - {name: "top 10-20%", size: 12.8M, share: 0.1}
  - {name: "top 20-30%", size: 12.8M, share: 0.1}
  - {name: "top 30-40%", size: 12.8M, share: 0.1}
YAML
"$qqt" -q fit --config "$tmp/pools.yaml" --observations "$tmp/train.csv" --output "$tmp/fitted.yaml" --bootstrap 100
"$qqt" plot fit --config "$tmp/fitted.yaml" --observations "$tmp/train.csv" --holdout "$tmp/holdout.csv" --output "$out/fit.png" "${size[@]}"
"$qqt" plot curves --config "$tmp/fitted.yaml" --observations "$tmp/runs.csv" --output "$out/curves-runs.png" "${size[@]}"
echo "wrote $(ls "$out" | tr '\n' ' ')" >&2
