#!/usr/bin/env bash
# Benchmark of `techstore ingest` on the embedded DuckDB target: builds the
# binary, then loads each scale (default: 1 and 100) into a fresh project
# folder under a temp dir with /usr/bin/time -v, and prints wall time, rows
# per second and peak RSS per scale.
#
#   bench/ingest/run.sh            # scales 1 and 100
#   SCALES="1 10" bench/ingest/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALES=${SCALES:-"1 100"}
SEED=${SEED:-42}
mkdir -p bin
CGO_ENABLED=1 go build -o bin/techstore ./cmd/techstore
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-6s %10s %9s %12s %10s\n' scale rows wall_s rows_per_s peak_rss_mb
for s in $SCALES; do
	dir="$work/scale$s"
	mkdir -p "$dir"
	printf 'name: techstore\nprofile: techstore\n' >"$dir/project.yml"
	printf 'techstore:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse/bench.duckdb\n' >"$dir/profiles.yml"
	/usr/bin/time -v bin/techstore ingest --project-dir "$dir" --profiles-dir "$dir" \
		--scale "$s" --seed "$SEED" >"$dir/out.txt" 2>"$dir/time.txt" || { cat "$dir/out.txt" "$dir/time.txt"; exit 1; }
	rows=$(awk '$1 == "total" && NF == 2 {print $2; exit}' "$dir/out.txt")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$dir/time.txt")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$dir/time.txt")
	rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN {printf "%.0f", r / w}')
	printf '%-6s %10s %9s %12s %10s\n' "$s" "$rows" "$wall" "$rate" "$rss"
	grep -E 'User time|System time' "$dir/time.txt" | sed 's/^\s*/       /'
done
