#!/usr/bin/env bash
# Regenerates the images of docs/plots.md and the README with qqt itself: the built-in config's
# curves (with and without the search families), the pools' utility, and a fit to synthetic runs
# (the built-in config's predictions at 2-10 passes with 1% noise, fitted from pool sizes alone).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
qqt="${QQT_BUILD_DIR:-$root/build}/apps/qqt"
out="$root/docs/images"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
size=(--width 700 --height 520)

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
"$qqt" -q fit --config "$tmp/pools.yaml" --observations "$tmp/runs.csv" --output "$tmp/fitted.yaml"
"$qqt" plot fit --config "$tmp/fitted.yaml" --observations "$tmp/runs.csv" --output "$out/fit.png" "${size[@]}"
"$qqt" plot curves --config "$tmp/fitted.yaml" --observations "$tmp/runs.csv" --output "$out/curves-runs.png" "${size[@]}"
echo "wrote $(ls "$out" | tr '\n' ' ')" >&2
