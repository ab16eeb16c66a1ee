#!/usr/bin/env bash
# The paper's Fig. 6 claim on real runs (docs/validation.md): fit each architecture's LAION runs of
# 3B and 13B samples seen, predict its 34B runs, and print the mean absolute error of the
# prediction for the utility law next to the compute-agnostic power law.
#
# Data: Cherti et al. (CVPR 2023) ImageNet zero-shot results, read in place from
# tests/data/laion/zeroshot_results_imagenet1k.csv (the ImageNet rows of the LAION results; see tests/data/laion/README.md). The
# observation CSVs are built from it at run time in a temporary folder; nothing is copied into the
# project. LAION-80M, LAION-400M and LAION-2B are three pools of one source, 80M, 400M and 2.32B
# samples, fitted with one b and one tau (--shared b,tau; tau scales with pool size, App. G).
#
# Usage: scripts/validate-laion.sh [--check] [PATH/TO/qqt]
#   --check   exit 3 unless the utility law's MAE is below the shared power law's for every architecture
#   Without PATH/TO/qqt the project is built first (scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
qqt="${1:-}"
if [[ -z "$qqt" ]]; then
  "$root/scripts/setup.sh"
  qqt="${QQT_BUILD_DIR:-$root/build}/apps/qqt"
fi
data="$root/tests/data/laion/zeroshot_results_imagenet1k.csv"
if [[ ! -r "$data" ]]; then
  echo "validate-laion: cannot read $data (the LAION rows kept in the repository)" >&2
  exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/laion.yaml" <<'EOF'
# LAION subsets as pools of one source (sizes as in tests/data/laion/README.md and the source's README).
law: utility
irreducible: outside
tau_scaling: 1
normalizer: 1e5
metric: ImageNet zero-shot top-1 error
pools:
  - {name: LAION-80M, size: 80M}
  - {name: LAION-400M, size: 400M}
  - {name: LAION-2B, size: 2.32B}
EOF

# Columns are found by name in the header; rows: ImageNet, LAION data, one architecture.
rows() {  # rows ARCH BUDGETS_REGEX
  awk -F, -v arch="$1" -v budgets="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              if (NF != 15 || !col["arch"] || !col["samples_seen"] || !col["upstream_dataset"] || !col["downstream_dataset"] ||
                  !col["acc1"] || !col["samples_seen_pretty"]) { print "validate-laion: unexpected header" > "/dev/stderr"; exit 2 }
              print "pool,samples_seen,accuracy"; next }
    NF != 15 { print "validate-laion: line " NR " has " NF " fields, want 15" > "/dev/stderr"; exit 2 }
    $col["downstream_dataset"] == "imagenet1k" && $col["upstream_dataset"] ~ /^LAION-/ && $col["arch"] == arch &&
      $col["samples_seen_pretty"] ~ ("^(" budgets ")$") { print $col["upstream_dataset"] "," $col["samples_seen"] "," $col["acc1"] }
  ' "$data"
}

mae() {  # mae FITTED HOLDOUT: the mean absolute error of `qqt validate`, in accuracy points
  "$qqt" -q validate --config "$1" --observations "$2" --format json |
    sed -n 's/.*"mae":\([^,}]*\).*/\1/p' | awk '{ printf "%.2f", 100 * $1 }'
}

decisions() {  # decisions FITTED HOLDOUT: the pooled decision accuracy and mean regret (points) of `qqt validate`
  "$qqt" -q validate --config "$1" --observations "$2" --format json |
    sed -n 's/.*"decision_accuracy":\([^,}]*\),"mean_regret":\([^,}]*\).*/\1 \2/p' |
    awk '{ if ($1 == "null") printf "- -"; else printf "%.2f %.2f", $1, 100 * $2 }'
}

printf 'Fit on the 3B and 13B runs, predict the 34B runs (ImageNet zero-shot top-1, LAION-80M/400M/2B).\n'
printf 'MAE of the 34B predictions in accuracy points; one b and one tau for the three pools unless noted.\n'
printf 'Decisions among the three 34B runs (docs/validation.md): pairwise decision accuracy and regret (points) of\n'
printf 'the utility law and of the shared power law.\n\n'
printf '%-10s %5s %8s  %8s %15s %14s %18s  %12s %14s %10s %12s\n' arch fit holdout utility effective-data "power" "power (b per pool)" \
  "utility acc" "utility regret" "power acc" "power regret"
status=0
for arch in ViT-B-32 ViT-B-16 ViT-L-14; do
  rows "$arch" '3B|13B' >"$tmp/$arch-train.csv"
  rows "$arch" '34B' >"$tmp/$arch-holdout.csv"
  n_train=$(($(wc -l <"$tmp/$arch-train.csv") - 1))
  n_holdout=$(($(wc -l <"$tmp/$arch-holdout.csv") - 1))
  fit() {  # fit NAME ARGS...
    local name="$1"; shift
    "$qqt" -q fit --config "$tmp/laion.yaml" --observations "$tmp/$arch-train.csv" --output "$tmp/$arch-$name.yaml" "$@"
  }
  fit utility --law utility --shared b,tau
  fit effective --law effective-data --shared b,tau
  fit power --law power --shared b,tau
  fit power-own-b --law power --shared tau
  u=$(mae "$tmp/$arch-utility.yaml" "$tmp/$arch-holdout.csv")
  e=$(mae "$tmp/$arch-effective.yaml" "$tmp/$arch-holdout.csv")
  p=$(mae "$tmp/$arch-power.yaml" "$tmp/$arch-holdout.csv")
  q=$(mae "$tmp/$arch-power-own-b.yaml" "$tmp/$arch-holdout.csv")
  read -r ud ur <<<"$(decisions "$tmp/$arch-utility.yaml" "$tmp/$arch-holdout.csv")"
  read -r pd pr <<<"$(decisions "$tmp/$arch-power.yaml" "$tmp/$arch-holdout.csv")"
  printf '%-10s %5s %8s  %8s %15s %14s %18s  %12s %14s %10s %12s\n' "$arch" "$n_train" "$n_holdout" "$u" "$e" "$p" "$q" "$ud" "$ur" "$pd" "$pr"
  if ! awk -v u="$u" -v p="$p" 'BEGIN { exit !(u < p) }'; then status=3; fi
done
printf '\nutility, effective-data: repetition-aware laws (4 parameters: a, d, b, tau); power: (a n/N0)^b + d,\n'
printf 'compute-agnostic (3 parameters); power (b per pool): one b per pool (5 parameters).\n'
if [[ $check -eq 1 && $status -ne 0 ]]; then
  echo "validate-laion: the utility law did not beat the shared power law on every architecture" >&2
  exit 3
fi
