# Shared by the CLI test scripts (sourced): a temp dir, counters and assertions.
# The sourcing script sets qqt (the binary) first.
set -uo pipefail
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# run CODE ARGS...: runs qqt, stores stdout/stderr in $tmp/out and $tmp/err, checks the exit code.
run() {
  local want="$1"; shift
  "$qqt" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local got=$?
  if [[ $got -eq $want ]]; then ok; else bad "qqt $* exited $got, want $want; stderr: $(head -3 "$tmp/err")"; fi
}
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks '$2': $(head -5 "$1")"; fi; }
lacks() { if grep -qF -- "$2" "$1"; then bad "$1 has '$2'"; else ok; fi; }
one_line_error() {  # stderr is exactly one line starting with "qqt: error: " and containing $1
  local lines; lines=$(wc -l <"$tmp/err")
  if [[ $lines -eq 1 ]] && grep -qF -- "qqt: error: " "$tmp/err" && grep -qF -- "$1" "$tmp/err"; then ok
  else bad "want one error line with '$1', got: $(cat "$tmp/err")"; fi
}
# has_row FILE WORD...: some line of FILE holds the words in this order, separated by blanks only
# (the values of a table row, whatever its column padding).
has_row() {
  local file="$1"; shift
  local re="" w
  for w in "$@"; do
    w=$(printf '%s' "$w" | sed 's/[][\\.*^$+?(){}|/]/\\&/g')
    re+="${re:+[[:space:]]+}$w"
  done
  if grep -qE -- "(^|[[:space:]])$re([[:space:]]|$)" "$file"; then ok; else bad "$file has no row '$*': $(head -5 "$file")"; fi
}
