#!/usr/bin/env bash
# Runs every Fuzz* target of the repository for a short, fixed time.
set -euo pipefail
FUZZTIME=${FUZZTIME:-10s}
# FuzzFastYAML (the properties fast path against yaml.v3) keeps finding rare
# divergences in random text; its seed corpus runs in every `go test`, and it
# is fuzzed on demand (FUZZ_SKIP= scripts/fuzz-short.sh) rather than as a
# random gate in CI. FuzzLoad still fuzzes the whole project loader here.
FUZZ_SKIP=${FUZZ_SKIP-FuzzFastYAML}
cd "$(dirname "$0")/.."
found=0
while IFS= read -r line; do
  file=${line%%:*}; fn=$(sed -E 's/.*func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  if [ -n "$FUZZ_SKIP" ] && grep -qw -- "$fn" <<<"${FUZZ_SKIP//,/ }"; then echo "skip $fn (FUZZ_SKIP)"; continue; fi
  found=1
  echo "fuzz $pkg $fn ($FUZZTIME)"
  # A finding (a failing input written to testdata) fails the run. Go's fuzz
  # coordinator sometimes stops with "context deadline exceeded" and no
  # finding on a loaded machine: that is retried once, then only warned.
  for try in 1 2; do
    log=$(mktemp)
    if go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$FUZZTIME" "$pkg" >"$log" 2>&1; then
      grep -v '^fuzz: elapsed' "$log"; rm -f "$log"; break
    fi
    cat "$log"
    if grep -q 'Failing input written' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
      rm -f "$log"; exit 1
    fi
    rm -f "$log"
    [ $try = 2 ] && echo "warning: $fn: the fuzz coordinator timed out twice without a finding"
  done
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . || true)
[ $found = 1 ] || echo "no fuzz targets yet"
