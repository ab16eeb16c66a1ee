#!/usr/bin/env bash
# Every example command of the docs runs as written (issue 15, "Docs true to the binary"): the
# lines starting with `qqt `, `$ qqt `, `./scripts/qqt ` or `$ ./scripts/qqt ` in ```sh, ```text
# and unlabelled code blocks of README.md and docs/*.md, and the example lines of every --help
# ("  qqt ..." under "Examples:", the description after three or more spaces cut off). Each runs
# verbatim with bash in a fresh copy of a folder that holds what the examples name: configs/, the
# built-in config as pools.yaml, runs.csv (the built-in law at 2-10 passes per pool and for the top
# two pools together), train.csv and holdout.csv (up to 6 passes and beyond), fitted.yaml (fitted
# to train.csv with 20 bootstrap fits), plan.json (`qqt plan --budget 640M --format json`) and an
# empty docs/images/. `qqt` and `./scripts/qqt` are the binary under test. An example must exit
# 0, or N when its line ends in a comment saying "exit N".
# Usage: docs_examples_test.sh PATH/TO/qqt PROJECT_SOURCE_DIR
qqt="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
qqt="$(cd "$(dirname "$qqt")" && pwd)/$(basename "$qqt")"

# `qqt` on the PATH and ./scripts/qqt in every run folder are the binary under test.
mkdir -p "$tmp/bin" "$tmp/fixture/scripts" "$tmp/fixture/docs/images" "$tmp/fixture/configs"
ln -s "$qqt" "$tmp/bin/qqt"
ln -s "$qqt" "$tmp/fixture/scripts/qqt"
export PATH="$tmp/bin:$PATH"
cp "$src"/configs/*.yaml "$tmp/fixture/configs/"
builtin_config="$src/configs/datacomp-medium-tmars-imagenet.yaml"
cp "$builtin_config" "$tmp/fixture/pools.yaml"
(
  cd "$tmp/fixture" || exit 1
  {
    echo "pool,samples_seen,error"
    for spec in "top 0-10%:1:12.8e6" "top 10-20%:0,1:12.8e6" "top 20-30%:0,0,1:12.8e6" "top 30-40%:0,0,0,1:12.8e6" \
                "top 0-10%+top 10-20%:1,1:25.6e6"; do
      IFS=: read -r name fractions unique <<<"$spec"
      for passes in 2 4 6 8 10; do
        n=$(awk -v p="$passes" -v u="$unique" 'BEGIN { printf "%.0f", p * u }')
        e=$(qqt -q predict --fractions "$fractions" --budget "$n" --format csv | tail -1 | cut -d, -f2)
        echo "$name,$n,$e"
      done
    done
  } >runs.csv
  { head -1 runs.csv; awk -F, 'NR > 1 && $2 / ($1 ~ /\+/ ? 25.6e6 : 12.8e6) <= 6.5' runs.csv; } >train.csv
  { head -1 runs.csv; awk -F, 'NR > 1 && $2 / ($1 ~ /\+/ ? 25.6e6 : 12.8e6) > 6.5' runs.csv; } >holdout.csv
  qqt -q fit --config pools.yaml --observations train.csv --output fitted.yaml --bootstrap 20 &&
    qqt -q plan --budget 640M --format json --output plan.json
) || { echo "docs_examples_test: cannot build the fixture folder" >&2; exit 1; }

# The examples, as "SOURCE<TAB>COMMAND" lines.
examples="$tmp/examples.tsv"
python3 - "$src" >"$examples" <<'PY' || { echo "docs_examples_test: python3 is needed to read the docs" >&2; exit 1; }
import glob, os, re, sys
src = sys.argv[1]
prefix = re.compile(r"^\$?\s*(\./scripts/qqt|qqt)\s")
files = [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs", "*.md")))
for path in files:
    block = None
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^\s*```\s*(\w*)", line)
        if fence:
            block = None if block is not None else fence.group(1)
        elif block in ("sh", "text", "bash", "shell", "console", "") and prefix.match(line.strip()):
            start = i
            cmd = line.strip()
            while cmd.endswith("\\") and i + 1 < len(lines):  # continued lines
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            cmd = re.sub(r"^\$\s*", "", cmd)
            print(f"{os.path.relpath(path, src)}:{start + 1}\t{cmd}")
        i += 1
PY
# The --help examples of the program and of each command.
commands="$(qqt --help | awk '/^(Subcommands|SUBCOMMANDS|Commands):/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')"
for cmd in "" $commands; do
  # shellcheck disable=SC2086
  qqt $cmd --help | awk -v where="qqt $cmd --help" '
    /^[A-Za-z].*:$/ { on = ($0 == "Examples:") ; next }
    on && /^  +qqt / { line = $0; sub(/^ +/, "", line); sub(/   .*/, "", line); print where "\t" line }' >>"$examples"
done
# The same example in several places runs once.
awk -F'\t' '!seen[$2]++' "$examples" >"$examples.unique" && mv "$examples.unique" "$examples"
if [[ $(grep -c . "$examples") -lt 10 ]]; then bad "only $(grep -c . "$examples") examples found"; fi

n=0
while IFS=$'\t' read -r where cmd; do
  n=$((n + 1))
  want=0
  if [[ "$cmd" =~ \#.*exit[[:space:]]+([0-9]+) ]]; then want="${BASH_REMATCH[1]}"; fi
  dir="$tmp/run-$n"
  cp -R "$tmp/fixture" "$dir"
  (cd "$dir" && bash -c "$cmd" >"$tmp/out" 2>"$tmp/err" </dev/null)
  got=$?
  if [[ $got -eq $want ]]; then ok; else bad "$where: '$cmd' exited $got, want $want: $(head -2 "$tmp/err")"; fi
  rm -rf "$dir"
done <"$examples"

# docs/output.md: every Markdown output starts with a "### " heading.
for args in "plan --budget 640M" "predict --budget 640M" "validate --config fitted.yaml --observations holdout.csv"; do
  # shellcheck disable=SC2086
  (cd "$tmp/fixture" && qqt $args --format markdown >"$tmp/out" 2>"$tmp/err")
  if head -1 "$tmp/out" | grep -q '^### '; then ok; else bad "qqt $args --format markdown starts with '$(head -1 "$tmp/out")', not a heading"; fi
done

# README.md's first output example is the binary's output, byte for byte (not just an exit code).
readme_cmd='./scripts/qqt plan --budget 32M,128M,640M'
awk -v cmd="\$ $readme_cmd" '$0 == cmd { on = 1; next } on && /^```/ { exit } on' "$src/README.md" >"$tmp/readme-out"
if [[ ! -s "$tmp/readme-out" ]]; then
  bad "README.md has no output block for '$readme_cmd'"
else
  (cd "$tmp/fixture" && bash -c "$readme_cmd" >"$tmp/out" 2>/dev/null)
  if cmp -s "$tmp/readme-out" "$tmp/out"; then ok; else bad "README.md's output of '$readme_cmd' differs from the binary's: $(diff "$tmp/readme-out" "$tmp/out" | head -4 | tr '\n' ' ')"; fi
fi

echo "docs_examples_test: $passed passed, $failed failed ($n examples)"
[[ $failed -eq 0 ]]
