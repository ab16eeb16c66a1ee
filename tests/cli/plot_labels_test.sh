#!/usr/bin/env bash
# Labels from data never run code (docs/reliability.md, "Plots"). gnuplot runs `backquoted` shell
# commands inside double-quoted strings, so a pool name such as a`touch pwned` in a shared config
# would run the command when the plot is drawn. Every payload below sits in pool names, the metric
# and observation pool names; every plot kind is drawn directly and through --script | gnuplot; no
# marker file may appear, and the label must reach the image as literal text.
# Usage: plot_labels_test.sh PATH/TO/qqt
qqt="$1"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v gnuplot >/dev/null || { echo "plot_labels_test: gnuplot is missing" >&2; exit 1; }

mark="$tmp/pwned"
# Payloads (YAML double-quoted, so \n is a newline): backquote substitution, system(), an @ macro
# of a variable gnuplot defines, a quote of each kind with a backslash, and a newline that would
# start a new gnuplot command.
payloads=(
  'a`touch '"$mark"'-1`b'
  'c system(\"touch '"$mark"'-2\") d'
  "e @GPVAL_TERM f"
  "g' . system('touch $mark-3') . 'h"
  'i\nsystem(\"touch '"$mark"'-4\")'
)

config() {  # config FILE NAME1 NAME2 METRIC
  cat >"$1" <<EOF
law: utility
a: 0.025
d: 0.1
metric: "$4"
pools:
  - {name: "$2", size: 12.8M, b: -0.16, tau: 6.7}
  - {name: "$3", size: 12.8M, b: -0.12, tau: 8.5}
EOF
}

for i in "${!payloads[@]}"; do
  p="${payloads[$i]}"
  config "$tmp/c$i.yaml" "$p" "second $p" "metric $p"
  # Observation pool names are the config's names (a union joins them with '+').
  name_csv="$(printf '%b' "$p" | sed 's/\\"/"/g; s/"/""/g')"
  {
    echo 'pool,samples_seen,error'
    printf '"%s",12.8M,0.8\n"%s",25.6M,0.75\n' "$name_csv" "$name_csv"
  } >"$tmp/o$i.csv"
  for kind in curves utility fit; do
    args=(plot "$kind" --config "$tmp/c$i.yaml" --output "$tmp/p$i-$kind.svg")
    [[ $kind == fit ]] && args+=(--observations "$tmp/o$i.csv")
    [[ $kind == curves ]] && args+=(--observations "$tmp/o$i.csv")
    run 0 "${args[@]}"
    if [[ -s "$tmp/p$i-$kind.svg" ]]; then ok; else bad "payload $i: plot $kind drew nothing"; fi
    run 0 "${args[@]}" --script
    (cd "$tmp" && gnuplot <"$tmp/out" >/dev/null 2>&1) && ok || bad "payload $i: plot $kind --script does not run through gnuplot"
  done
  # The label reaches the image literally (the first word is enough: SVG escapes quotes).
  first="$(printf '%s' "$p" | cut -c1-1)"
  has "$tmp/p$i-utility.svg" "second $first"
done
if compgen -G "$mark*" >/dev/null; then bad "a label ran a command: $(ls "$mark"*)"; else ok; fi
# The backquoted text is drawn as written.
has "$tmp/p0-utility.svg" 'a`touch'
has "$tmp/p2-utility.svg" "e @GPVAL_TERM f"

# A control character in the output path cannot be given to gnuplot literally: refused, one line.
run 2 plot utility --output "$tmp/bad"$'\n'"name.svg"
one_line_error "control character"

echo "plot_labels_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
