#!/usr/bin/env bash
# Runs every Fuzz* target of the repository for a short, fixed time.
set -euo pipefail
FUZZTIME=${FUZZTIME:-10s}
cd "$(dirname "$0")/.."
found=0
while IFS= read -r line; do
  file=${line%%:*}; fn=$(sed -E 's/.*func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  found=1
  echo "fuzz $pkg $fn ($FUZZTIME)"
  go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$FUZZTIME" "$pkg"
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . || true)
[ $found = 1 ] || echo "no fuzz targets yet"
