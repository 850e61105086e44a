#!/usr/bin/env bash
# Docs benchmark: times `techstore docs generate` (load + compile, column
# lineage of every model, the layered DAG layout, the self-contained page) from a
# cold process, on the TechStore project and on a synthetic 2,000-model
# project (the compile benchmark's generator). Each runs RUNS times
# (default 5); the table shows the median and worst wall clock and the
# median CPU time (user+sys), which is what a loaded machine cannot hide.
# The page's time to interactive in Chromium is measured by
# `make test-browser` (target/e2e/timing.txt).
# Usage: bench/docs/run.sh [sizes...]   e.g. bench/docs/run.sh 2000
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000)
make -s build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # name project-dir
  local name=$1 dir=$2 ms=() cpu=()
  bin/techstore docs generate --project-dir "$dir" -o "$work/$name.html" >/dev/null   # warm caches
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v bin/techstore docs generate --project-dir "$dir" -o "$work/$name.html" >"$work/out" 2>"$work/time"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/time")
    ms+=("$(awk -v t="$wall" 'BEGIN{n=split(t,a,":"); s=a[n]; if(n>1) s+=a[n-1]*60; printf "%d", s*1000}')")
    cpu+=("$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%d", (u+s)*1000}' "$work/time")")
  done
  sorted=($(printf '%s\n' "${ms[@]}" | sort -n))
  csorted=($(printf '%s\n' "${cpu[@]}" | sort -n))
  printf '%-22s %-10s %-10s %-10s %-8s\n' "$name" "${sorted[$((RUNS/2))]}" "${sorted[$((RUNS-1))]}" "${csorted[$((RUNS/2))]}" "$(du -k "$work/$name.html" | cut -f1)"
}

printf '%-22s %-10s %-10s %-10s %-8s\n' project median_ms worst_ms cpu_ms page_kb
run techstore .
for n in "${sizes[@]}"; do
  go run ./bench/compile -models "$n" -out "$work/synth$n"
  run "synthetic-$n" "$work/synth$n"
done
